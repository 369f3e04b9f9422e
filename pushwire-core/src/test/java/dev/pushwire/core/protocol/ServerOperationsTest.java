package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's operations (ids, push, broadcast, timers, stop) against real JDK clients on
 * loopback.
 */
@Timeout(60)
class ServerOperationsTest {
  private static final Duration WAIT = JdkWebSocketClient.WAIT;

  private final LoopbackServers servers = new LoopbackServers();
  private final BlockingQueue<Long> opened = new LinkedBlockingQueue<>();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  private WebSocketServer start() {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onOpen((srv, c) -> opened.add(c.connectionId()));
    server.start();
    return server;
  }

  private long nextOpened() throws InterruptedException {
    Long id = opened.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(id).as("a connection opened within %s", WAIT).isNotNull();
    return id;
  }

  private static JdkWebSocketClient connect(WebSocketServer server) {
    return JdkWebSocketClient.connect("ws://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void connectionIdsAreUniqueAndIncreasing() throws Exception {
    WebSocketServer server = start();
    List<Long> ids = new ArrayList<>();

    for (int i = 0; i < 4; i++) {
      JdkWebSocketClient client = connect(server);
      client.sendClose(1000, "");
      ids.add(nextOpened());
      client.awaitClose();
    }

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void pushToAnUnknownIdReturnsFalse() throws Exception {
    WebSocketServer server = start();
    JdkWebSocketClient client = connect(server);
    long id = nextOpened();

    assertThat(server.push(id + 1000, "nobody")).isFalse();
    assertThat(server.push(id + 1000, new byte[] {1})).isFalse();
    assertThat(server.exists(id + 1000)).isFalse();
    assertThat(server.push(id, "somebody")).isTrue();
    assertThat(client.nextMessage()).isEqualTo("somebody");
  }

  @Test
  void pushToAClosedConnectionReturnsFalse() throws Exception {
    WebSocketServer server = start();
    CountDownLatch closed = new CountDownLatch(1);
    server.onClose((srv, e) -> closed.countDown());
    JdkWebSocketClient client = connect(server);
    client.sendClose(1000, "");
    long id = nextOpened();

    assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(server.push(id, "late")).isFalse();
  }

  @Test
  void broadcastReachesEveryConnection() throws Exception {
    WebSocketServer server = start();
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JdkWebSocketClient c = connect(server);
      nextOpened();
      clients.add(c);
    }

    assertThat(server.broadcast("to all")).isEqualTo(3);

    for (JdkWebSocketClient c : clients) {
      assertThat(c.nextMessage()).isEqualTo("to all");
    }
  }

  @Test
  void broadcastToASubsetReachesOnlyThatSubset() throws Exception {
    WebSocketServer server = start();
    List<JdkWebSocketClient> clients = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JdkWebSocketClient c = connect(server);
      ids.add(nextOpened());
      clients.add(c);
    }

    int sent = server.broadcast(List.of(ids.get(0), ids.get(2), 999_999L), new byte[] {7, 7});
    server.push(ids.get(1), "marker");

    assertThat(sent).isEqualTo(2);
    assertThat((byte[]) clients.get(0).nextMessage()).containsExactly(7, 7);
    assertThat((byte[]) clients.get(2).nextMessage()).containsExactly(7, 7);
    assertThat(clients.get(1).nextMessage()).isEqualTo("marker");
  }

  @Test
  void broadcastTextSendsUtf8BytesAsATextMessage() throws Exception {
    WebSocketServer server = start();
    JdkWebSocketClient a = connect(server);
    long idA = nextOpened();
    JdkWebSocketClient b = connect(server);
    long idB = nextOpened();

    int sent =
        server.broadcastText(
            List.of(idA, idB, 999_999L), "caf\u00e9 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8));

    assertThat(sent).isEqualTo(2);
    assertThat(a.nextMessage()).isEqualTo("caf\u00e9 \uD83D\uDE00");
    assertThat(b.nextMessage()).isEqualTo("caf\u00e9 \uD83D\uDE00");
  }

  @Test
  void broadcastTextRefusesBytesThatAreNotUtf8() throws Exception {
    WebSocketServer server = start();
    JdkWebSocketClient a = connect(server);
    long id = nextOpened();

    // A lone continuation byte, and a UTF-8-encoded surrogate (not allowed in UTF-8).
    for (byte[] bad :
        List.of(
            new byte[] {'a', (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
      assertThatThrownBy(() -> server.broadcastText(List.of(id), bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    server.push(id, "still open");
    assertThat(a.nextMessage()).isEqualTo("still open");
  }

  @Test
  void tickRepeatsUntilCancelled() throws Exception {
    WebSocketServer server = start();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch threeRuns = new CountDownLatch(3);

    TimerHandle tick =
        server.tick(
            Duration.ofMillis(30),
            () -> {
              runs.incrementAndGet();
              threeRuns.countDown();
            });

    assertThat(threeRuns.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(tick.cancel()).isTrue();
    assertThat(tick.isCancelled()).isTrue();
    // Nothing to wait for but time: a run already in progress may still finish, then ten more
    // periods pass without one.
    Thread.sleep(200);
    int afterCancel = runs.get();
    Thread.sleep(300);
    assertThat(runs.get()).isEqualTo(afterCancel);
  }

  @Test
  void afterRunsOnceAndACancelledOneNever() throws Exception {
    WebSocketServer server = start();
    AtomicInteger fired = new AtomicInteger();
    AtomicInteger cancelledFired = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);

    server.after(
        Duration.ofMillis(50),
        () -> {
          fired.incrementAndGet();
          done.countDown();
        });
    TimerHandle cancelled = server.after(Duration.ofMillis(100), cancelledFired::incrementAndGet);
    assertThat(cancelled.cancel()).isTrue();

    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    // Nothing to wait for but time: past the cancelled one's due time, and past a repeat.
    Thread.sleep(200);
    assertThat(fired.get()).isEqualTo(1);
    assertThat(cancelledFired.get()).isZero();
  }

  @Test
  void stopSendsGoingAwayToConnectedClients() throws Exception {
    WebSocketServer server = start();
    JdkWebSocketClient a = connect(server);
    JdkWebSocketClient b = connect(server);
    nextOpened();
    nextOpened();

    long t0 = System.nanoTime();
    server.stop(Duration.ofSeconds(20));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(a.awaitClose().code()).isEqualTo(1001);
    assertThat(b.awaitClose().code()).isEqualTo(1001);
    assertThat(tookMillis).as("stop waits only for the close replies").isLessThan(15_000);
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void stopClosesKeptAlivePlainHttpConnections() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onRequest((srv, exchange) -> exchange.respond(HttpResponse.text(200, "ok")));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/status", Map.of("Host", "x"));
      assertThat(raw.readResponse().status()).isEqualTo(200);

      server.stop(Duration.ofSeconds(1));

      assertThat(raw.awaitEof()).as("server closed the idle HTTP connection").isTrue();
    }
  }

  @Test
  void stopIsBoundedByTheGracePeriodWhenAClientNeverAnswers() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.handshake();
      nextOpened();

      long t0 = System.nanoTime();
      server.stop(Duration.ofMillis(300));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(raw.readClose().code()).isEqualTo(1001);
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
      assertThat(tookMillis).isBetween(250L, 5000L);
    }
  }
}
