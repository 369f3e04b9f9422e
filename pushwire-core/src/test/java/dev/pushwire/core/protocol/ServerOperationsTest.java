package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import java.net.http.HttpClient;
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
@Timeout(10)
class ServerOperationsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    Long id = opened.poll(5, TimeUnit.SECONDS);
    assertThat(id).as("a connection opened within 5 s").isNotNull();
    return id;
  }

  @Test
  void connectionIdsAreUniqueAndIncreasing() throws Exception {
    WebSocketServer server = start();
    List<Long> ids = new ArrayList<>();

    for (int i = 0; i < 4; i++) {
      RecordingListener client = new RecordingListener();
      RecordingListener.connect(HTTP, server.port(), "/", client).sendClose(1000, "").join();
      ids.add(nextOpened());
      client.awaitClose();
    }

    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void pushToAnUnknownIdReturnsFalse() throws Exception {
    WebSocketServer server = start();
    RecordingListener client = new RecordingListener();
    RecordingListener.connect(HTTP, server.port(), "/", client);
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
    RecordingListener client = new RecordingListener();
    RecordingListener.connect(HTTP, server.port(), "/", client).sendClose(1000, "").join();
    long id = nextOpened();

    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(server.push(id, "late")).isFalse();
  }

  @Test
  void broadcastReachesEveryConnection() throws Exception {
    WebSocketServer server = start();
    List<RecordingListener> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener c = new RecordingListener();
      RecordingListener.connect(HTTP, server.port(), "/", c);
      nextOpened();
      clients.add(c);
    }

    assertThat(server.broadcast("to all")).isEqualTo(3);

    for (RecordingListener c : clients) {
      assertThat(c.nextMessage()).isEqualTo("to all");
    }
  }

  @Test
  void broadcastToASubsetReachesOnlyThatSubset() throws Exception {
    WebSocketServer server = start();
    List<RecordingListener> clients = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener c = new RecordingListener();
      RecordingListener.connect(HTTP, server.port(), "/", c);
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

    assertThat(threeRuns.await(3, TimeUnit.SECONDS)).isTrue();
    assertThat(tick.cancel()).isTrue();
    assertThat(tick.isCancelled()).isTrue();
    Thread.sleep(50); // a run already in progress may still finish
    int afterCancel = runs.get();
    Thread.sleep(150);
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

    assertThat(done.await(3, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(200);
    assertThat(fired.get()).isEqualTo(1);
    assertThat(cancelledFired.get()).isZero();
  }

  @Test
  void stopSendsGoingAwayToConnectedClients() throws Exception {
    WebSocketServer server = start();
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    RecordingListener.connect(HTTP, server.port(), "/", a);
    RecordingListener.connect(HTTP, server.port(), "/", b);
    nextOpened();
    nextOpened();

    long t0 = System.nanoTime();
    server.stop(Duration.ofSeconds(3));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(a.awaitClose().code()).isEqualTo(1001);
    assertThat(b.awaitClose().code()).isEqualTo(1001);
    assertThat(tookMillis).as("stop waits only for the close replies").isLessThan(2500);
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
      assertThat(tookMillis).isBetween(250L, 2000L);
    }
  }
}
