package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketConnectionHandler} alone in an {@link EmbeddedChannel}: each way a connection
 * closes sends the right close code and reason, reports the close once, and releases every frame.
 */
class WebSocketConnectionHandlerTest {
  private static final int MAX_MESSAGE_SIZE = 16;

  private final RecordingServerEvents events = new RecordingServerEvents();
  private EmbeddedChannel ch;
  private Connection conn;

  @BeforeEach
  void connect() {
    ServerSettings settings = ServerSettings.newBuilder().maxMessageSize(MAX_MESSAGE_SIZE).build();
    PipelineResources resources = PipelineResources.of(settings, events);
    ch = new EmbeddedChannel();
    conn =
        new Connection(
            1, ch, new LoopShard(ch.eventLoop()), Connection.Deflate.NONE, "/", "", null, "");
    ch.pipeline().addLast("connection", new WebSocketConnectionHandler(resources, conn, true));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  /** The close frame the handler sent: its code and reason, once released. */
  private String closeSent() {
    Object out = ch.readOutbound();
    assertThat(out).isInstanceOf(CloseWebSocketFrame.class);
    CloseWebSocketFrame close = (CloseWebSocketFrame) out;
    String sent = close.statusCode() + " " + close.reasonText();
    assertThat(close.release()).isTrue();
    assertThat(close.refCnt()).isZero();
    return sent;
  }

  private void assertClosedOnceWith(int code, boolean byServer) {
    assertThat(ch.isOpen()).isFalse();
    assertThat(events.closed).containsExactly(conn);
    assertThat(conn.closeCode).isEqualTo(code);
    assertThat(conn.closedByServer).isEqualTo(byServer);
  }

  @Test
  void reservedBitsWithoutAnExtensionCloseWith1002() {
    WebSocketFrame frame = new TextWebSocketFrame(true, 4, utf8("hi"));
    ch.writeInbound(frame);
    assertThat(frame.refCnt()).isZero();
    assertThat(closeSent()).isEqualTo("1002 reserved bits set without an extension: 4");
    assertThat(events.messages).isEmpty();
    assertClosedOnceWith(CloseCodes.PROTOCOL_ERROR, true);
  }

  @Test
  void invalidUtf8InTextClosesWith1007() {
    WebSocketFrame frame =
        new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xC3, 'b'}));
    ch.writeInbound(frame);
    assertThat(frame.refCnt()).isZero();
    assertThat(closeSent()).isEqualTo("1007 invalid UTF-8 in text");
    assertClosedOnceWith(CloseCodes.INVALID_PAYLOAD, true);
  }

  @Test
  void aMessageOverTheLimitAcrossFragmentsClosesWith1009() {
    WebSocketFrame first = new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[10]));
    WebSocketFrame second =
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[7]));
    ch.writeInbound(first, second);
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(closeSent()).isEqualTo("1009 message too big");
    assertThat(events.messages).isEmpty();
    assertClosedOnceWith(CloseCodes.MESSAGE_TOO_BIG, true);
  }

  @Test
  void aCloseFromThePeerIsAnsweredWithItsCodeAndReported() {
    CloseWebSocketFrame frame = new CloseWebSocketFrame(1000, "bye");
    ch.writeInbound(frame);
    assertThat(frame.refCnt()).isZero();
    assertThat(closeSent()).isEqualTo("1000 ");
    assertClosedOnceWith(CloseCodes.NORMAL, false);
    assertThat(conn.closeReason).isEqualTo("bye");
  }

  @Test
  void aCloseCodeThatMayNotBeSentClosesWith1002() {
    // 1005 means "no code" and must never appear on the wire (RFC 6455 section 7.4.1).
    CloseWebSocketFrame frame =
        new CloseWebSocketFrame(true, 0, Unpooled.buffer(2).writeShort(1005));
    ch.writeInbound(frame);
    assertThat(frame.refCnt()).isZero();
    assertThat(closeSent()).isEqualTo("1002 invalid close code 1005");
    assertClosedOnceWith(CloseCodes.PROTOCOL_ERROR, true);
  }

  @Test
  void aDecoderErrorClosesWithItsCodeAndAReasonThatFitsTheFrame() {
    String message = "bad frame: " + "é".repeat(100);
    ch.pipeline()
        .fireExceptionCaught(
            new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, message));
    ch.runPendingTasks();
    String sent = closeSent();
    assertThat(sent).startsWith("1002 bad frame: é");
    String reason = sent.substring("1002 ".length());
    assertThat(message).startsWith(reason);
    assertThat(reason.getBytes(StandardCharsets.UTF_8).length).isEqualTo(123);
    assertClosedOnceWith(CloseCodes.PROTOCOL_ERROR, true);
  }

  @Test
  void fragmentsAreJoinedAndPingsAnsweredWhileOpen() {
    WebSocketFrame ping = new PingWebSocketFrame(utf8("p"));
    ch.writeInbound(
        new TextWebSocketFrame(false, 0, utf8("he")),
        ping,
        new ContinuationWebSocketFrame(true, 0, utf8("llo")));
    PongWebSocketFrame pong = ch.readOutbound();
    assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("p");
    // The pong carries the ping's payload: released with it, not copied.
    assertThat(pong.release()).isTrue();
    assertThat(ping.refCnt()).isZero();
    assertThat(events.messages).containsExactly("hello");
    assertThat(ch.isOpen()).isTrue();
    assertThat(events.closed).isEmpty();
  }
}
