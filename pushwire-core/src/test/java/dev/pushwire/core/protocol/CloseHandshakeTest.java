package dev.pushwire.core.protocol;

import static dev.pushwire.core.protocol.RawWebSocket.OP_CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.WebSocketServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The closing handshake (RFC 6455 sections 5.5.1, 7.1.5 and 7.4): the server answers a valid close
 * frame with the same code and closes TCP; close codes that may not appear on the wire, a one-byte
 * body and a reason that is not UTF-8 fail the connection with 1002 or 1007.
 */
@Timeout(60)
class CloseHandshakeTest {
  private final LoopbackServers servers = new LoopbackServers();
  private final CompletableFuture<Long> opened = new CompletableFuture<>();
  private final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private WebSocketServer server;
  private RawWebSocket ws;

  @BeforeEach
  void connect() throws IOException {
    server = servers.create(LoopbackServers.settings().build());
    server.onOpen((srv, c) -> opened.complete(c.connectionId()));
    server.onClose((srv, e) -> closed.complete(e));
    server.onMessage((srv, m) -> messages.add(m.text()));
    server.start();
    ws = RawWebSocket.connect(server.port());
    ws.handshake();
  }

  @AfterEach
  void disconnect() throws IOException {
    ws.close();
    servers.close();
  }

  @Test
  void normalCloseIsAnsweredWithNormalCloseAndTcpClose() throws Exception {
    ws.sendClose(1000, "bye");

    ws.assertServerClosesWith(1000);
    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(1000);
    assertThat(event.reason()).isEqualTo("bye");
    assertThat(event.byServer()).isFalse();
  }

  @ParameterizedTest(name = "code={0}")
  @ValueSource(ints = {1000, 1001, 1003, 1007, 1011, 3000, 4000, 4999})
  void validCloseCodeIsEchoed(int code) throws IOException {
    ws.sendClose(code, "");

    ws.assertServerClosesWith(code);
  }

  @Test
  void closeWithoutBodyIsAnsweredWithoutBody() throws Exception {
    ws.sendFrame(OP_CLOSE, new byte[0]);

    RawWebSocket.Frame reply = ws.readFrame();

    assertThat(reply.opcode()).isEqualTo(OP_CLOSE);
    assertThat(reply.payload()).isEmpty();
    assertThat(ws.awaitEof()).as("server closed TCP").isTrue();
    assertThat(closed.get(5, TimeUnit.SECONDS).code()).isEqualTo(1005);
  }

  @ParameterizedTest(name = "code={0}")
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
  void invalidCloseCodeGets1002(int code) throws IOException {
    ws.sendClose(code, "");

    ws.assertServerClosesWith(1002);
  }

  @Test
  void closeWithOneBytePayloadGets1002() throws IOException {
    ws.sendFrame(OP_CLOSE, new byte[] {3});

    ws.assertServerClosesWith(1002);
  }

  @Test
  void closeReasonThatIsNotUtf8Gets1007() throws IOException {
    ws.sendFrame(
        OP_CLOSE, RawWebSocket.closePayload(1000, new byte[] {'o', 'k', (byte) 0xC3, 0x28}));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void fragmentedCloseGets1002() throws IOException {
    ws.sendFrame(false, 0, OP_CLOSE, RawWebSocket.closePayload(1000, new byte[0]));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void serverInitiatedCloseCompletesWhenTheClientAnswers() throws Exception {
    long id = opened.get(5, TimeUnit.SECONDS);

    assertThat(server.disconnect(id, 4000, "bye")).isTrue();
    RawWebSocket.Close close = ws.readClose();
    ws.sendClose(close.code(), "");

    assertThat(close).isEqualTo(new RawWebSocket.Close(4000, "bye"));
    assertThat(ws.awaitEof()).as("server closed TCP after the reply").isTrue();
    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(4000);
    assertThat(event.byServer()).isTrue();
  }

  @Test
  void dataAfterTheClientsCloseIsNotDelivered() throws Exception {
    ws.sendText("before");
    ws.sendClose(1000, "");
    ws.sendText("too late");

    ws.assertServerClosesWith(1000);
    closed.get(5, TimeUnit.SECONDS);
    assertThat(messages).containsExactly("before");
  }

  @Test
  void tcpDropWithoutCloseFrameIsReportedAs1006() throws Exception {
    ws.close();

    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(1006);
    assertThat(event.byServer()).isFalse();
  }
}
