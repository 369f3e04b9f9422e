package dev.pushwire.core.internal;

import dev.pushwire.core.ServerSettings;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * What the handlers of every connection of one server share: made once, when the server is created,
 * and handed to each handler, which keeps no other reference to the server.
 *
 * @param decoderConfig one frame decoder configuration for every connection: it depends only on the
 *     settings, and one copy per connection would cost each idle connection an object
 */
record PipelineResources(
    ServerSettings settings,
    WebSocketDecoderConfig decoderConfig,
    UpgradeAdmission admission,
    ConnectionTable connections,
    ServerCounters counters,
    ServerEvents events) {

  /** The resources of a server with {@code settings} that reports to {@code events}. */
  static PipelineResources of(ServerSettings settings, ServerEvents events) {
    WebSocketDecoderConfig decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(settings.maxFrameSize())
            .expectMaskedFrames(true)
            .allowMaskMismatch(false)
            .allowExtensions(true)
            // WebSocketConnectionHandler sends the close frame, after what is queued, with a
            // reason in our words.
            .closeOnProtocolViolation(false)
            .withUTF8Validator(false)
            .build();
    ConnectionTable connections = new ConnectionTable(settings.maxConnections());
    ServerCounters counters = new ServerCounters();
    UpgradeAdmission admission = new UpgradeAdmission(settings, connections, counters, events);
    return new PipelineResources(settings, decoderConfig, admission, connections, counters, events);
  }
}
