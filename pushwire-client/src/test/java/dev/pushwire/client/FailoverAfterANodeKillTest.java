package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.redis.RedisBroker;
import dev.pushwire.redis.RedisConfig;
import dev.pushwire.redis.RedisRegistry;
import dev.pushwire.redis.RedisServerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one real Redis. Node A runs in a JVM of its own and is killed with SIGKILL while a
 * publisher on node B keeps publishing to a channel through Redis. The client that was on A fails
 * over to B (the next URI in its list), resubscribes with {@code since}, and recovers from history
 * (kept in Redis) everything it missed: every offset exactly once, in order. A client on B all
 * along is the control.
 */
@Timeout(180)
class FailoverAfterANodeKillTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int TOTAL = 1500;
  private static final int KILL_AFTER = 400;
  private static final int HISTORY = 2000;

  private NodeJvm nodeA;
  private HubNode nodeB;
  private RedisBroker brokerB;
  private RedisRegistry registryB;
  private PushwireClient onA;
  private PushwireClient onB;
  private final Recorder recA = new Recorder();
  private final Recorder recB = new Recorder();

  @BeforeEach
  void start() throws Exception {
    redis.flushAll();
    RedisConfig config =
        RedisConfig.newBuilder(redis.uri())
            .nodeId("b")
            .maxReconnectDelay(Duration.ofMillis(200))
            .build();
    brokerB = RedisBroker.connect(config, null, Clock.systemUTC());
    registryB = RedisRegistry.connect(config);
    nodeB =
        HubNode.start(
            HubConfig.newBuilder().nodeId("b").historySize(HISTORY).build(), brokerB, registryB);
    nodeA = NodeJvm.start(redis.uri(), "a", HISTORY);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {onA, onB, nodeA, nodeB, brokerB, registryB}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static PushwireClient client(List<java.net.URI> uris, Recorder rec) throws Exception {
    PushwireClient c =
        rec.attach(
            PushwireClient.create(
                uris,
                ClientConfig.newBuilder()
                    .reconnect(
                        ReconnectPolicy.newBuilder()
                            .initialDelay(Duration.ofMillis(100))
                            .maxDelay(Duration.ofSeconds(1))
                            .build())
                    .build()));
    c.subscribe("orders", rec);
    c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !rec.events(SubscribedEvent.class).isEmpty());
    return c;
  }

  @Test
  void aClientOfAKilledNodeRecoversEveryPublicationOnTheOtherNode() throws Exception {
    onA = client(List.of(nodeA.uri(), nodeB.uri()), recA);
    onB = client(List.of(nodeB.uri()), recB);
    assertThat(onA.connectedUri()).isEqualTo(nodeA.uri());

    AtomicInteger sent = new AtomicInteger();
    // A thread of its own: the common pool may be busy with the backends' work.
    ExecutorService publisherThread = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> publisher =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 1; i <= TOTAL; i++) {
                nodeB.publish("orders", "o" + i);
                sent.incrementAndGet();
                // Paces the publisher (about 1000 a second) so that the kill falls in the middle.
                LockSupport.parkNanos(1_000_000);
              }
            },
            publisherThread);
    await().atMost(WAIT).until(() -> sent.get() >= KILL_AFTER);
    long killedAt = System.nanoTime();
    nodeA.kill();
    int sentAtKill = sent.get();
    AtomicLong backAfterMs = new AtomicLong(-1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                recA.events(SubscribedEvent.class).stream()
                    .anyMatch(SubscribedEvent::resubscribed));
    backAfterMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    publisher.get(120, TimeUnit.SECONDS);
    publisherThread.shutdown();
    await().atMost(WAIT).until(() -> recA.publications.size() >= TOTAL);
    await().atMost(WAIT).until(() -> recB.publications.size() >= TOTAL);
    onA.ping().toCompletableFuture().get(10, TimeUnit.SECONDS); // a late duplicate would be here

    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("sent", Integer.toString(TOTAL));
    figures.put("killAfter", KILL_AFTER + " (" + sentAtKill + " accepted when SIGKILL was sent)");
    figures.put("clientOnA", describe(recA));
    figures.put("clientOnB", describe(recB));
    figures.put("resubscribedOnBAfterMs", Long.toString(backAfterMs.get()));
    System.out.println("FIGURES node kill: " + figures);

    List<Long> all = LongStream.rangeClosed(1, TOTAL).boxed().toList();
    assertThat(recA.offsets()).as("client of the killed node").containsExactlyElementsOf(all);
    assertThat(recB.offsets()).as("client on the surviving node").containsExactlyElementsOf(all);
    assertThat(recA.texts().get(TOTAL - 1)).isEqualTo("o" + TOTAL);
    assertThat(onA.connectedUri()).isEqualTo(nodeB.uri());
    assertThat(recA.events(DisconnectedEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.code()).isEqualTo(1006));
    List<SubscribedEvent> resubscribes =
        recA.events(SubscribedEvent.class).stream().filter(SubscribedEvent::resubscribed).toList();
    assertThat(resubscribes).singleElement().extracting(SubscribedEvent::recovered).isEqualTo(true);
    assertThat(recA.events(LostEvent.class)).isEmpty();
    assertThat(recB.events(DisconnectedEvent.class)).isEmpty();
  }

  /** Received, duplicates, gaps, reconnects and the recovered flags of one client's recorder. */
  private static String describe(Recorder rec) {
    List<Long> offsets = rec.offsets();
    Set<Long> distinct = new HashSet<>(offsets);
    long gaps = LongStream.rangeClosed(1, TOTAL).filter(o -> !distinct.contains(o)).count();
    List<Boolean> recovered =
        rec.events(SubscribedEvent.class).stream()
            .filter(SubscribedEvent::resubscribed)
            .map(SubscribedEvent::recovered)
            .toList();
    return "received="
        + offsets.size()
        + " duplicates="
        + (offsets.size() - distinct.size())
        + " gaps="
        + gaps
        + " disconnects="
        + rec.events(DisconnectedEvent.class).stream().map(DisconnectedEvent::code).toList()
        + " resubscribes recovered="
        + recovered
        + " recoveredFromHistory="
        + rec.recoveredFromHistory()
        + " lost="
        + rec.events(LostEvent.class).size();
  }
}
