package dev.pushwire.core.internal.client;

import dev.pushwire.core.ClientSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.util.Map;

/**
 * Builds the pipeline of one client connection: TLS (for {@code wss}), the HTTP codec for the
 * upgrade, the recorder of the negotiated extensions, permessage-deflate, Netty's WebSocket client
 * protocol handler (handshake, framing, UTF-8 checks, answering pings), the joining of fragments,
 * and a new {@link ClientConnectionHandler}.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {
  /** Enough for any upgrade response, including the body of a refusal. */
  private static final int MAX_UPGRADE_RESPONSE_SIZE = 64 * 1024;

  private final ClientEvents events;
  private final ClientSettings settings;
  private final SslContext sslContext;
  private final String host;
  private final int port;
  private final WebSocketClientProtocolConfig protocolConfig;

  ClientChannelInitializer(
      ClientEvents events,
      URI uri,
      ClientSettings settings,
      SslContext sslContext,
      String host,
      int port) {
    this.events = events;
    this.settings = settings;
    this.sslContext = sslContext;
    this.host = host;
    this.port = port;
    HttpHeaders headers = new DefaultHttpHeaders();
    for (Map.Entry<String, String> h : settings.headers()) {
      headers.add(h.getKey(), h.getValue());
    }
    this.protocolConfig =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .version(WebSocketVersion.V13)
            .subprotocol(
                settings.subprotocols().isEmpty()
                    ? null
                    : String.join(",", settings.subprotocols()))
            .allowExtensions(settings.compression())
            .customHeaders(headers)
            .maxFramePayloadLength(settings.maxMessageSize())
            .handshakeTimeoutMillis(settings.handshakeTimeout().toMillis())
            // ClientConnectionHandler runs the closing handshake so that it sees the code and
            // reason, and pongs, to answer pings.
            .handleCloseFrames(false)
            .sendCloseFrame(null)
            .dropPongFrames(false)
            // Not a browser: an Origin derived from the URI would only trip servers' origin
            // checks, which let requests without one through. Set it as a header when needed.
            .generateOriginHeader(false)
            .build();
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      SslHandler tls = sslContext.newHandler(ch.alloc(), host, port);
      tls.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
      p.addLast("tls", tls);
    }
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE_SIZE));
    UpgradeResponseRecorder upgradeResponse = new UpgradeResponseRecorder();
    p.addLast("upgrade-response", upgradeResponse);
    if (settings.compression()) {
      // Only RFC 7692 permessage-deflate: Netty's WebSocketClientCompressionHandler would also
      // offer the pre-standard deflate-frame drafts. The allocation limit stops a small
      // compressed frame from inflating past the message size limit.
      p.addLast(
          "deflate",
          new WebSocketClientExtensionHandler(
              new PerMessageDeflateClientExtensionHandshaker(settings.maxMessageSize())));
    }
    p.addLast("websocket", new WebSocketClientProtocolHandler(protocolConfig));
    p.addLast("message-aggregator", new WebSocketFrameAggregator(settings.maxMessageSize()));
    p.addLast("client", new ClientConnectionHandler(events, upgradeResponse, settings));
  }
}
