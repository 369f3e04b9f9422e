package dev.pushwire.core.protocol;

import static dev.pushwire.core.protocol.RawWebSocket.OP_PING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handshake timeout, the idle timeout and server pings, measured on real sockets. */
@Timeout(60)
class TimeoutsTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  @Test
  void halfSentHandshakeBlocksNobodyAndIsDroppedAfterTheTimeout() throws Exception {
    // One I/O thread: the stalled connection shares the event loop with the good one. The timeout
    // is long enough for the good client's handshake and echo to fit in it on a busy machine.
    WebSocketServer server =
        servers.startEcho(
            LoopbackServers.settings()
                .ioThreads(1)
                .handshakeTimeout(Duration.ofMillis(3000))
                .build());
    // Before the connect: the server's timer starts when it accepts, which may be before connect
    // returns here.
    long t0 = System.nanoTime();
    try (RawWebSocket stalled = RawWebSocket.connect(server.port(), Duration.ofSeconds(10));
        RawWebSocket good = RawWebSocket.connect(server.port())) {
      stalled.sendAscii("GET / HTTP/1.1\r\nHost: x\r\n");

      good.handshake();
      good.sendText("not blocked");
      assertThat(good.readFrame().text()).isEqualTo("not blocked");
      stalled.readTimeout(Duration.ofMillis(1));
      assertThat(stalled.awaitEof())
          .as("the stalled connection is still open when the good client is done")
          .isFalse();

      stalled.readTimeout(Duration.ofSeconds(10));
      assertThat(stalled.awaitEof()).as("stalled connection dropped").isTrue();
      long droppedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // Not before the timeout; the upper bound is loose for a busy machine.
      assertThat(droppedAfter).isBetween(2900L, 10000L);
    }
  }

  @Test
  void halfSentHandshakeDoesNotBlockTheJdkClient() throws Exception {
    WebSocketServer server =
        servers.startEcho(
            LoopbackServers.settings()
                .ioThreads(1)
                .handshakeTimeout(Duration.ofSeconds(5))
                .build());
    try (RawWebSocket stalled = RawWebSocket.connect(server.port())) {
      stalled.sendAscii("GET / HTTP/1.1\r\nHost: x\r\n");

      JdkWebSocketClient good = JdkWebSocketClient.connect("ws://127.0.0.1:" + server.port() + "/");
      good.send("not blocked");

      assertThat(good.nextMessage()).isEqualTo("not blocked");
    }
  }

  @Test
  void connectionThatSendsNothingIsDroppedAfterTheHandshakeTimeout() throws Exception {
    WebSocketServer server =
        servers.startEcho(
            LoopbackServers.settings().handshakeTimeout(Duration.ofMillis(300)).build());
    // Before the connect: the server's timer starts when it accepts, which may be before connect
    // returns here.
    long t0 = System.nanoTime();
    try (RawWebSocket silent = RawWebSocket.connect(server.port(), Duration.ofSeconds(3))) {
      assertThat(silent.awaitEof()).as("silent connection dropped").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(200L, 5000L);
    }
  }

  @Test
  void silentClientIsClosedWith1001AfterTheIdleTimeout() throws Exception {
    WebSocketServer server =
        servers.create(
            LoopbackServers.settings()
                .idleTimeout(Duration.ofMillis(600))
                .pingInterval(Duration.ZERO)
                .build());
    CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
    server.onClose((srv, e) -> closed.complete(e));
    server.start();
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), Duration.ofSeconds(3))) {
      // Before the handshake: the idle clock starts when the server opens the connection, which
      // may be well before handshake() returns here on a busy machine.
      long t0 = System.nanoTime();
      ws.handshake();

      RawWebSocket.Close close = ws.readClose();
      long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      ws.sendClose(close.code(), "");

      assertThat(close.code()).isEqualTo(1001);
      assertThat(after).isBetween(500L, 5000L);
      assertThat(ws.awaitEof()).as("server closed TCP").isTrue();
      assertThat(closed.get(5, TimeUnit.SECONDS).code()).isEqualTo(1001);
    }
  }

  @Test
  void clientThatKeepsTalkingIsNotIdle() throws Exception {
    WebSocketServer server =
        servers.startEcho(
            LoopbackServers.settings()
                .idleTimeout(Duration.ofMillis(1000))
                .pingInterval(Duration.ZERO)
                .build());
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.handshake();

      // The scenario: a message every 100 ms, for longer in all than the idle timeout.
      for (int i = 0; i < 15; i++) {
        Thread.sleep(100);
        ws.sendText("tick " + i);
        RawWebSocket.Frame echo = ws.readFrame();
        assertThat(echo.text()).as("echo %d after %d ms", i, (i + 1) * 100).isEqualTo("tick " + i);
      }
    }
  }

  @Test
  void serverPingsAtTheConfiguredInterval() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().pingInterval(Duration.ofMillis(200)).build());
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), Duration.ofSeconds(2))) {
      // Before the handshake: pings may start before handshake() returns here on a busy machine.
      long t0 = System.nanoTime();
      ws.handshake();

      RawWebSocket.Frame first = ws.readFrame();
      RawWebSocket.Frame second = ws.readFrame();
      RawWebSocket.Frame third = ws.readFrame();
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(first.opcode()).isEqualTo(OP_PING);
      assertThat(second.opcode()).isEqualTo(OP_PING);
      assertThat(third.opcode()).isEqualTo(OP_PING);
      assertThat(elapsed).as("three pings at 200 ms").isBetween(300L, 4000L);
    }
  }

  @Test
  void pongsKeepAPingedClientAlive() throws Exception {
    WebSocketServer server =
        servers.startEcho(
            LoopbackServers.settings()
                .pingInterval(Duration.ofMillis(200))
                .idleTimeout(Duration.ofMillis(1500))
                .build());
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), Duration.ofSeconds(5))) {
      ws.handshake();
      long t0 = System.nanoTime();

      // The scenario: answer every ping, for longer in all than the idle timeout.
      while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2500)) {
        RawWebSocket.Frame f = ws.readFrame();
        assertThat(f.opcode()).as("only pings, no close").isEqualTo(OP_PING);
        ws.sendFrame(RawWebSocket.OP_PONG, f.payload());
      }
    }
  }

  @Test
  void idleKeptAliveHttpConnectionIsDroppedAfterTheHandshakeTimeout() throws Exception {
    WebSocketServer server =
        servers.create(LoopbackServers.settings().handshakeTimeout(Duration.ofMillis(300)).build());
    server.onRequest((srv, exchange) -> exchange.respond(HttpResponse.text(200, "ok")));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), Duration.ofSeconds(3))) {
      // Before the request: the timer restarts when the server answers, which may be well before
      // readResponse() returns here on a busy machine.
      long t0 = System.nanoTime();
      raw.sendRequest("GET", "/", Map.of("Host", "x"));
      assertThat(raw.readResponse().status()).isEqualTo(200);

      assertThat(raw.awaitEof()).as("idle keep-alive connection dropped").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(200L, 5000L);
    }
  }
}
