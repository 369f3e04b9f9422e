package dev.pushwire.core.protocol;

import static dev.pushwire.core.protocol.RawWebSocket.OP_CONTINUATION;
import static dev.pushwire.core.protocol.RawWebSocket.OP_PING;
import static dev.pushwire.core.protocol.RawWebSocket.OP_PONG;
import static dev.pushwire.core.protocol.RawWebSocket.OP_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server answers every ping with a pong carrying the same payload (RFC 6455 5.5.2). */
@Timeout(60)
class PingPongTest {
  private final LoopbackServers servers = new LoopbackServers();
  private RawWebSocket ws;

  @BeforeEach
  void connect() throws IOException {
    int port = servers.startEcho(LoopbackServers.settings().build()).port();
    ws = RawWebSocket.connect(port);
    ws.handshake();
  }

  @AfterEach
  void disconnect() throws IOException {
    ws.close();
    servers.close();
  }

  @Test
  void pingGetsAPongWithTheSamePayload() throws IOException {
    byte[] payload = "are you there? ✓".getBytes(StandardCharsets.UTF_8);

    ws.sendFrame(OP_PING, payload);

    RawWebSocket.Frame pong = ws.readFrame();
    assertThat(pong.opcode()).isEqualTo(OP_PONG);
    assertThat(pong.fin()).isTrue();
    assertThat(pong.payload()).isEqualTo(payload);
  }

  @Test
  void emptyPingGetsAnEmptyPong() throws IOException {
    ws.sendFrame(OP_PING, new byte[0]);

    RawWebSocket.Frame pong = ws.readFrame();
    assertThat(pong.opcode()).isEqualTo(OP_PONG);
    assertThat(pong.payload()).isEmpty();
  }

  @Test
  void maximumSizePingGetsAFullPong() throws IOException {
    byte[] payload = new byte[125];
    payload[124] = 42;

    ws.sendFrame(OP_PING, payload);

    assertThat(ws.readFrame().payload()).isEqualTo(payload);
  }

  @Test
  void pingBetweenFragmentsIsAnsweredAndTheMessageStillJoined() throws IOException {
    ws.sendFrame(false, 0, OP_TEXT, "frag".getBytes(StandardCharsets.UTF_8));
    ws.sendFrame(OP_PING, new byte[] {9});
    ws.sendFrame(true, 0, OP_CONTINUATION, "ment".getBytes(StandardCharsets.UTF_8));

    RawWebSocket.Frame pong = ws.readFrame();
    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(pong.opcode()).isEqualTo(OP_PONG);
    assertThat(pong.payload()).containsExactly(9);
    assertThat(echo.opcode()).isEqualTo(OP_TEXT);
    assertThat(echo.text()).isEqualTo("fragment");
  }

  @Test
  void unsolicitedPongIsIgnored() throws IOException {
    ws.sendFrame(OP_PONG, new byte[] {1});
    ws.sendText("still here");

    RawWebSocket.Frame next = ws.readFrame();
    assertThat(next.opcode()).isEqualTo(OP_TEXT);
    assertThat(next.text()).isEqualTo("still here");
  }
}
