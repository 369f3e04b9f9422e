package dev.pushwire.core.protocol;

import static dev.pushwire.core.protocol.RawWebSocket.OP_BINARY;
import static dev.pushwire.core.protocol.RawWebSocket.OP_CONTINUATION;
import static dev.pushwire.core.protocol.RawWebSocket.OP_PING;
import static dev.pushwire.core.protocol.RawWebSocket.OP_PONG;
import static dev.pushwire.core.protocol.RawWebSocket.OP_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.WebSocketServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames that break RFC 6455 sections 5 and 8.1: for each, the server sends a close frame with the
 * exact code and then closes TCP itself.
 */
@Timeout(60)
class FrameProtocolViolationTest {
  private static final int MAX_FRAME = 256;
  private static final int MAX_MESSAGE = 1024;

  private final LoopbackServers servers = new LoopbackServers();
  private final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
  private RawWebSocket ws;

  @BeforeEach
  void connect() throws IOException {
    WebSocketServer server =
        servers.create(
            LoopbackServers.settings().maxFrameSize(MAX_FRAME).maxMessageSize(MAX_MESSAGE).build());
    server.onMessage((srv, m) -> srv.push(m.connectionId(), m.data()));
    server.onClose((srv, e) -> closed.complete(e));
    server.start();
    ws = RawWebSocket.connect(server.port());
    ws.handshake();
  }

  @AfterEach
  void disconnect() throws IOException {
    ws.close();
    servers.close();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void validFrameIsEchoed() throws IOException {
    ws.sendFrame(OP_BINARY, bytes(1, 2, 3));

    RawWebSocket.Frame echo = ws.readFrame();

    assertThat(echo.opcode()).isEqualTo(OP_BINARY);
    assertThat(echo.masked()).as("server frames are never masked").isFalse();
    assertThat(echo.payload()).containsExactly(1, 2, 3);
  }

  @Test
  void unmaskedClientFrameGets1002() throws IOException {
    ws.sendBytes(
        RawWebSocket.frame(true, 0, OP_TEXT, "hi".getBytes(StandardCharsets.UTF_8), false));

    ws.assertServerClosesWith(1002);
  }

  @ParameterizedTest(name = "rsv={0}")
  @ValueSource(ints = {RawWebSocket.RSV1, RawWebSocket.RSV2, RawWebSocket.RSV3, 7})
  void reservedBitsWithoutAnExtensionGet1002(int rsv) throws IOException {
    ws.sendFrame(true, rsv, OP_TEXT, "hi".getBytes(StandardCharsets.UTF_8));

    ws.assertServerClosesWith(1002);
  }

  @ParameterizedTest(name = "opcode={0}")
  @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
  void reservedOpcodeGets1002(int opcode) throws IOException {
    ws.sendFrame(opcode, bytes(1));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void controlFramePayloadOver125Gets1002() throws IOException {
    ws.sendFrame(OP_PING, new byte[126]);

    ws.assertServerClosesWith(1002);
  }

  @Test
  void fragmentedPingGets1002() throws IOException {
    ws.sendFrame(false, 0, OP_PING, bytes(1));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void continuationWithoutStartGets1002() throws IOException {
    ws.sendFrame(OP_CONTINUATION, bytes('x'));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void newDataFrameInsideAFragmentedMessageGets1002() throws IOException {
    ws.sendFrame(false, 0, OP_TEXT, bytes('a'));
    ws.sendFrame(true, 0, OP_TEXT, bytes('b'));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void invalidUtf8InATextMessageGets1007() throws IOException {
    ws.sendFrame(OP_TEXT, bytes('o', 'k', 0xC3, 0x28));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void overlongUtf8EncodingGets1007() throws IOException {
    ws.sendFrame(OP_TEXT, bytes(0xC0, 0xAF));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void utf16SurrogateEncodedAsUtf8Gets1007() throws IOException {
    ws.sendFrame(OP_TEXT, bytes(0xED, 0xA0, 0x80));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void invalidUtf8SplitAcrossFragmentsGets1007() throws IOException {
    // F0 9F starts a 4-byte sequence; 0x28 cannot continue it.
    ws.sendFrame(false, 0, OP_TEXT, bytes('a', 0xF0, 0x9F));
    ws.sendFrame(true, 0, OP_CONTINUATION, bytes(0x28, 'b'));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void invalidUtf8InAFirstFragmentFailsWithoutWaitingForTheEnd() throws IOException {
    ws.sendFrame(false, 0, OP_TEXT, bytes('a', 0xC0, 0xAF));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void textEndingInsideAUtf8SequenceGets1007() throws IOException {
    ws.sendFrame(false, 0, OP_TEXT, bytes('a'));
    ws.sendFrame(true, 0, OP_CONTINUATION, bytes(0xF0, 0x9F, 0x98));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void validUtf8SplitAcrossFragmentsIsAccepted() throws IOException {
    // U+1F600 is F0 9F 98 80, cut in the middle of the sequence.
    ws.sendFrame(false, 0, OP_TEXT, bytes('a', 0xF0, 0x9F));
    ws.sendFrame(true, 0, OP_CONTINUATION, bytes(0x98, 0x80));

    assertThat(ws.readFrame().payload()).containsExactly('a', 0xF0, 0x9F, 0x98, 0x80);
  }

  @Test
  void fragmentedBinaryIsNotCheckedAsUtf8() throws IOException {
    ws.sendFrame(false, 0, OP_BINARY, bytes(0xFF));
    ws.sendFrame(true, 0, OP_CONTINUATION, bytes(0xFE, 0xC0));

    assertThat(ws.readFrame().payload()).containsExactly(0xFF, 0xFE, 0xC0);
  }

  @Test
  void pingBetweenTextFragmentsIsAnsweredAndTheMessageStaysWhole() throws IOException {
    // A character cut by the fragment boundary, with a control frame in between.
    ws.sendFrame(false, 0, OP_TEXT, bytes('a', 0xCE));
    ws.sendFrame(true, 0, OP_PING, bytes(0xFF));
    ws.sendFrame(true, 0, OP_CONTINUATION, bytes(0xBA, 'b'));

    RawWebSocket.Frame pong = ws.readFrame();
    assertThat(pong.opcode()).isEqualTo(OP_PONG);
    assertThat(ws.readFrame().payload()).containsExactly('a', 0xCE, 0xBA, 'b');
  }

  @Test
  void frameOverMaxFrameSizeGets1009() throws IOException {
    ws.sendFrame(OP_BINARY, new byte[MAX_FRAME + 1]);

    ws.assertServerClosesWith(1009);
  }

  @Test
  void frameAtMaxFrameSizeIsAccepted() throws IOException {
    ws.sendFrame(OP_BINARY, new byte[MAX_FRAME]);

    assertThat(ws.readFrame().payload()).hasSize(MAX_FRAME);
  }

  @Test
  void messageOverMaxMessageSizeFromSmallFragmentsGets1009WithoutWaitingForTheEnd()
      throws IOException {
    int chunk = 200;
    for (int sent = 0; sent <= MAX_MESSAGE; sent += chunk) {
      ws.sendFrame(false, 0, sent == 0 ? OP_BINARY : OP_CONTINUATION, new byte[chunk]);
    }

    ws.assertServerClosesWith(1009);
  }

  @Test
  void messageAtMaxMessageSizeFromFragmentsIsAccepted() throws IOException {
    ws.sendFrame(false, 0, OP_BINARY, new byte[MAX_FRAME]);
    ws.sendFrame(false, 0, OP_CONTINUATION, new byte[MAX_FRAME]);
    ws.sendFrame(false, 0, OP_CONTINUATION, new byte[MAX_FRAME]);
    ws.sendFrame(true, 0, OP_CONTINUATION, new byte[MAX_MESSAGE - 3 * MAX_FRAME]);

    assertThat(ws.readFrame().payload()).hasSize(MAX_MESSAGE);
  }

  @Test
  void protocolErrorIsReportedToOnCloseAsSentByTheServer() throws Exception {
    ws.sendFrame(OP_CONTINUATION, bytes('x'));
    ws.assertServerClosesWith(1002);

    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(1002);
    assertThat(event.byServer()).isTrue();
  }
}
