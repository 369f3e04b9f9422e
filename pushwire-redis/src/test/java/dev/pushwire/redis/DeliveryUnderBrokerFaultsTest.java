package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.testing.TcpProxy;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one Redis, publications at 100 per second on node B, subscribers on node A, and a
 * fault in the middle (issue 12, item 4): node A cut off from Redis through a TCP proxy for 3 s,
 * with history larger and smaller than what it misses; and Redis restarted, with and without AOF.
 * Every publication that Redis accepted is counted exactly: each {@code pushwire.v1} subscriber
 * either handled it, once and in order, or was told it would not (a {@code lost} range, or the end
 * of an epoch); the plain subscriber gets a subsequence, in order, without duplicates.
 */
class DeliveryUnderBrokerFaultsTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  @RegisterExtension
  static final RedisServerProcess durable =
      new RedisServerProcess("--appendonly", "yes", "--appendfsync", "always");

  private static final String CHANNEL = "ticks";
  private static final int RATE = 100;
  private static final Duration DEADLINE = Duration.ofMinutes(2);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<StreamPosition> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() throws Exception {
    publisher.shutdownNow();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void aCutShorterThanHistoryIsFilledWithoutAnySignal() throws Exception {
    Scenario s = cutOff(1000);
    s.assertAccounted();
    assertThat(s.clients).allSatisfy(c -> assertThat(c.signals()).isEmpty());
    assertThat(s.clients).allSatisfy(c -> assertThat(c.received()).isEqualTo(s.accepted()));
    s.print("cut 3 s, history 1000");
  }

  @Test
  void aCutLongerThanHistoryIsSignalledAndFilledAsFarAsHistoryReaches() throws Exception {
    Scenario s = cutOff(100);
    s.assertAccounted();
    assertThat(s.clients)
        .allSatisfy(c -> assertThat(c.signals()).anyMatch(x -> x.startsWith("unsubscribed")));
    assertThat(s.clients).allSatisfy(c -> assertThat(c.lostReported()).isPositive());
    assertThat(s.nodeA.hub().deliverySignals()).containsKey("stream_gap");
    s.print("cut 3 s, history 100");
  }

  @Test
  void aRestartWithoutPersistenceEndsTheEpochAndSaysSo() throws Exception {
    Scenario s = restart(redis, 1000);
    s.assertAccounted();
    assertThat(s.clients).allSatisfy(c -> assertThat(c.epochResets()).isEqualTo(1));
    s.print("restart without AOF");
  }

  @Test
  void aRestartWithAofLosesNothing() throws Exception {
    Scenario s = restart(durable, 1000);
    s.assertAccounted();
    assertThat(s.clients).allSatisfy(c -> assertThat(c.epochResets()).isZero());
    assertThat(s.clients).allSatisfy(c -> assertThat(c.lostReported()).isZero());
    // A publish whose reply was lost in the restart fails but may have been applied: received may
    // exceed what was accepted, never fall short of it.
    assertThat(s.clients)
        .allSatisfy(c -> assertThat(c.received()).isGreaterThanOrEqualTo(s.accepted()));
    s.print("restart with AOF");
  }

  // ---- scenarios ----

  private Scenario cutOff(int historySize) throws Exception {
    redis.flushAll();
    TcpProxy proxy = new TcpProxy(redis.port());
    resources.add(proxy);
    // History bounds are set by the publishing node's configuration: both nodes share them.
    Scenario s =
        new Scenario(node("a", proxy.port(), historySize), node("b", redis.port(), historySize));
    s.subscribe();
    startPublishing(s.nodeB.hub());
    s.awaitPublished(100);
    proxy.cut();
    await().atMost(DEADLINE).until(() -> !s.nodeA.broker().isAvailable());
    int before = accepted.size();
    await().atMost(DEADLINE).until(() -> accepted.size() >= before + 3 * RATE);
    proxy.restore();
    await().atMost(DEADLINE).until(s.nodeA.broker()::isAvailable);
    int afterRestore = accepted.size();
    await().atMost(DEADLINE).until(() -> accepted.size() >= afterRestore + RATE);
    s.finish();
    return s;
  }

  private Scenario restart(RedisServerProcess server, int historySize) throws Exception {
    server.flushAll();
    Scenario s =
        new Scenario(node("a", server.port(), historySize), node("b", server.port(), historySize));
    s.subscribe();
    startPublishing(s.nodeB.hub());
    s.awaitPublished(100);
    server.restart();
    await().atMost(DEADLINE).until(() -> s.nodeA.broker().isAvailable());
    int afterRestart = accepted.size();
    await().atMost(DEADLINE).until(() -> accepted.size() >= afterRestart + 2 * RATE);
    s.finish();
    return s;
  }

  private void startPublishing(Hub hub) {
    publisher.scheduleAtFixedRate(
        () -> {
          int seq = sequence.incrementAndGet();
          try {
            PublishResult r =
                hub.publishText(CHANNEL, "tick " + seq)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            accepted.add(r.position());
          } catch (Exception e) {
            rejected.incrementAndGet();
          }
        },
        0,
        1_000_000 / RATE,
        TimeUnit.MICROSECONDS);
  }

  /** Nodes, subscribers, and the exact accounting of one run. */
  private final class Scenario {
    final HubNode nodeA;
    final HubNode nodeB;
    final List<V1TestClient> clients = new ArrayList<>();
    final PlainReader plain = new PlainReader();
    StreamPosition firstLive;

    Scenario(HubNode nodeA, HubNode nodeB) {
      this.nodeA = nodeA;
      this.nodeB = nodeB;
    }

    void subscribe() throws Exception {
      URI uri = URI.create("ws://127.0.0.1:" + nodeA.server().port() + "/");
      for (int i = 0; i < 3; i++) {
        V1TestClient c = new V1TestClient(() -> uri, CHANNEL);
        resources.add(c);
        clients.add(c);
      }
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create(uri + "?channel=" + CHANNEL), plain)
              .get(20, TimeUnit.SECONDS);
      resources.add(ws::abort);
      await().atMost(DEADLINE).until(() -> clients.stream().allMatch(V1TestClient::subscribed));
      await().atMost(DEADLINE).until(() -> nodeA.hub().subscribers(CHANNEL).size() == 4);
    }

    void awaitPublished(int n) {
      await().atMost(DEADLINE).until(() -> accepted.size() >= n);
      firstLive = accepted.get(0);
    }

    /** Stops publishing and waits until every subscriber has handled the last publication. */
    void finish() throws InterruptedException {
      publisher.shutdown();
      assertThat(publisher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      StreamPosition last = accepted.get(accepted.size() - 1);
      for (V1TestClient c : clients) {
        await()
            .atMost(DEADLINE)
            .until(() -> c.lastOffset() == last.offset() && last.epoch().equals(c.lastEpoch()));
      }
    }

    int accepted() {
      return accepted.size();
    }

    void assertAccounted() {
      for (V1TestClient c : clients) {
        assertThat(c.silentGaps()).as("silent gaps: %s", c).isZero();
        assertThat(c.duplicates()).as("duplicates: %s", c).isZero();
        for (StreamPosition p : accepted) {
          assertThat(c.accountsFor(p.offset(), p.epoch()))
              .as("offset %d of %s is neither received nor signalled: %s", p.offset(), p.epoch(), c)
              .isTrue();
        }
      }
      plain.assertInOrderWithoutDuplicates();
    }

    void print(String name) {
      List<String> perClient = new ArrayList<>();
      for (V1TestClient c : clients) {
        perClient.add(
            "received "
                + c.received()
                + ", reported lost "
                + c.lostReported()
                + ", epoch resets "
                + c.epochResets()
                + ", signals "
                + c.signals()
                + ", recovered "
                + c.recoveredFlags());
      }
      System.out.printf(
          "%s: accepted %d, rejected %d; node A signals %s; plain received %d;%n  %s%n",
          name,
          accepted.size(),
          rejected.get(),
          nodeA.hub().deliverySignals(),
          plain.received.size(),
          String.join("\n  ", perClient));
    }
  }

  // ---- nodes ----

  private HubNode node(String id, int redisPort, int historySize) {
    return HubNode.start(id, "redis://127.0.0.1:" + redisPort, historySize, resources);
  }

  /** A plain subscriber: its messages are the payloads, "tick N", in publishing order. */
  private static final class PlainReader implements WebSocket.Listener {
    final List<Integer> received = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(Integer.parseInt(partial.substring("tick ".length())));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    void assertInOrderWithoutDuplicates() {
      List<Integer> got = List.copyOf(received);
      for (int i = 1; i < got.size(); i++) {
        assertThat(got.get(i))
            .as("plain message %d after %d", got.get(i), got.get(i - 1))
            .isGreaterThan(got.get(i - 1));
      }
    }
  }
}
