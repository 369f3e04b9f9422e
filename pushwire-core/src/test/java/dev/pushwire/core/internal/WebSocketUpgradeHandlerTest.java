package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketUpgradeHandler} behind the HTTP-phase handlers in an {@link EmbeddedChannel}: an
 * admitted upgrade is answered 101 and the pipeline rewired for WebSocket, with the frame that came
 * in the same read as the request delivered after the open; a refused one is answered, closed, and
 * holds no connection slot.
 */
class WebSocketUpgradeHandlerTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  /** RFC 6455 section 1.3: the accept value for {@link #KEY}. */
  private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  private final RecordingServerEvents events = new RecordingServerEvents();
  private EmbeddedChannel ch;
  private PipelineResources resources;

  /** An embedded channel with a peer address, as the admission reads one. */
  private static EmbeddedChannel channelFromLoopback() {
    return new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 40000);
      }
    };
  }

  private void start(ServerSettings settings) {
    resources = PipelineResources.of(settings, events);
    ch = channelFromLoopback();
    resources.connections().shardBy(List.of(ch.eventLoop()));
    ch.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new BodyLimitAggregator(settings.maxHttpBodySize()))
        .addLast("router", new HttpRouter(resources))
        .addLast("upgrade", new WebSocketUpgradeHandler(resources, null));
  }

  @BeforeEach
  void startWithDefaults() {
    start(ServerSettings.DEFAULT);
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static String upgradeRequest(String origin) {
    return "GET /?channel=news HTTP/1.1\r\n"
        + "Host: example.com\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: "
        + KEY
        + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + "\r\n";
  }

  /** A masked, final text frame (mask 0: the payload goes as is). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }

  /** Everything written so far, as text; every buffer released. */
  private String outbound() {
    StringBuilder sb = new StringBuilder();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      assertThat(b.release()).isTrue();
      assertThat(b.refCnt()).isZero();
    }
    return sb.toString();
  }

  @Test
  void anAdmittedUpgradeIsAnswered101AndThePipelineRewired() {
    ByteBuf in =
        Unpooled.wrappedBuffer(
            upgradeRequest(null).getBytes(StandardCharsets.US_ASCII), maskedText("early"));
    ch.writeInbound(in);
    assertThat(in.refCnt()).isZero();

    String response = outbound();
    assertThat(response).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
    assertThat(response.toLowerCase()).contains("sec-websocket-accept: " + ACCEPT.toLowerCase());

    assertThat(ch.pipeline().names())
        .contains("wsdecoder", "wsencoder", "connection")
        .doesNotContain("http", "aggregator", "router", "upgrade");
    assertThat(events.opened).hasSize(1);
    Connection conn = events.opened.get(0);
    assertThat(conn.info().path()).isEqualTo("/");
    assertThat(conn.info().queryParam("channel")).isEqualTo("news");
    assertThat(resources.connections().shardOf(ch.eventLoop())).isSameAs(conn.shard);
    // The frame read together with the request reaches the connection handler after the open.
    assertThat(events.messages).containsExactly("early");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void aRefusedUpgradeIsAnsweredAndClosedAndKeepsNoSlot() {
    start(
        ServerSettings.newBuilder()
            .allowedOrigins(List.of("https://good.example"))
            .maxConnections(1)
            .build());
    ch.writeInbound(
        Unpooled.copiedBuffer(upgradeRequest("https://evil.example"), StandardCharsets.US_ASCII));

    assertThat(outbound()).startsWith("HTTP/1.1 403 Forbidden\r\n");
    // The connection closes after the answer, without ever speaking WebSocket.
    assertThat(ch.isOpen()).isFalse();
    assertThat(events.opened).isEmpty();
    assertThat(events.closed).isEmpty();
    assertThat(resources.counters().snapshot(0).handshakesRefused()).containsEntry("origin", 1L);
    // The only slot is still free: the refusal came before the connection limit was asked.
    assertThat(resources.connections().reserveSlot()).isTrue();
  }
}
