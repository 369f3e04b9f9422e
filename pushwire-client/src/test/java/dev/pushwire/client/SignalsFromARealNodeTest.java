package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.testing.TcpProxy;
import dev.pushwire.redis.RedisBroker;
import dev.pushwire.redis.RedisConfig;
import dev.pushwire.redis.RedisRegistry;
import dev.pushwire.redis.RedisServerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery signals of issue 12 as a real node sends them, end to end: close 4008 to a client
 * that stopped reading, and {@code unsubscribed} (then {@code lost} on the resubscribe) to the
 * clients of a node that was cut off from Redis for longer than history reaches. In both, the
 * client's listener gets every offset once, in order, except the ones it was told are lost.
 */
@Timeout(300)
class SignalsFromARealNodeTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ReconnectPolicy FAST =
      ReconnectPolicy.newBuilder()
          .initialDelay(Duration.ofMillis(50))
          .maxDelay(Duration.ofMillis(500))
          .build();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Recorder rec = new Recorder();

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    resources.add(resource);
    return resource;
  }

  private PushwireClient subscribedClient(java.net.URI uri, PublicationListener listener)
      throws Exception {
    PushwireClient client =
        closing(
            rec.attach(
                PushwireClient.create(
                    uri,
                    ClientConfig.newBuilder()
                        .reconnect(FAST)
                        .pingInterval(Duration.ZERO)
                        .build())));
    client.subscribe("feed", listener);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !rec.events(SubscribedEvent.class).isEmpty());
    return client;
  }

  /** Offsets received, duplicates, silent gaps (neither received nor reported lost). */
  private static String account(Recorder rec, long total) {
    List<Long> offsets = rec.offsets();
    Set<Long> distinct = new HashSet<>(offsets);
    List<LostEvent> lost = rec.events(LostEvent.class);
    long reportedLost =
        LongStream.rangeClosed(1, total)
            .filter(o -> lost.stream().anyMatch(l -> l.hasRange() && o >= l.from() && o <= l.to()))
            .count();
    long silent =
        LongStream.rangeClosed(1, total)
            .filter(o -> !distinct.contains(o))
            .filter(o -> lost.stream().noneMatch(l -> l.hasRange() && o >= l.from() && o <= l.to()))
            .count();
    return "published="
        + total
        + " received="
        + offsets.size()
        + " duplicates="
        + (offsets.size() - distinct.size())
        + " reportedLost="
        + reportedLost
        + " silentGaps="
        + silent
        + " closes="
        + rec.events(DisconnectedEvent.class).stream().map(DisconnectedEvent::code).toList()
        + " resubscribing="
        + rec.events(ResubscribingEvent.class).stream()
            .map(e -> e.cause() + ":" + e.code())
            .toList()
        + " recovered="
        + rec.events(SubscribedEvent.class).stream()
            .filter(SubscribedEvent::resubscribed)
            .map(SubscribedEvent::recovered)
            .toList()
        + " lost="
        + lost.stream().map(l -> l.from() + ".." + l.to()).toList();
  }

  @Test
  void aClientThatStoppedReadingIsClosedWith4008AndRecoversEverything() throws Exception {
    int before = 6000; // 4 KiB each: 24 MB, more than the kernel buffers on loopback
    int after = 500;
    int total = before + after;
    HubNode node =
        closing(
            HubNode.start(
                HubNode.settings()
                    .ioThreads(2)
                    .compression(false)
                    .writeBufferWaterMarks(32 * 1024, 128 * 1024)
                    .slowConsumerPolicy(SlowConsumerPolicy.CLOSE)
                    // Found slow at once by the bound on what is queued, left high enough that
                    // the replay after the reconnect is not itself cut short again. Once closed,
                    // the client has twice the timeout to read what was queued and the close
                    // frame (else 1006): 10 s, as on a busy machine it wakes and reads late.
                    .slowConsumerTimeout(Duration.ofSeconds(5))
                    .slowConsumerMaxPending(8 * 1024 * 1024)
                    .build(),
                HubConfig.newBuilder()
                    .nodeId("slow")
                    .historySize(total)
                    .historyTtl(Duration.ofMinutes(10))
                    .build()));
    CountDownLatch resume = new CountDownLatch(1);
    subscribedClient(
        node.uri(),
        p -> {
          if (p.offset() == 1) {
            // Stalls the client's event loop, as an application that blocks it would: nothing
            // more is read until the node has given up on this connection.
            resume.await(60, TimeUnit.SECONDS);
          }
          rec.onPublication(p);
        });

    // A thread of its own: the common pool may be busy with the backends' work.
    ExecutorService publisherThread = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 1; i <= before; i++) {
                node.hub.publishText("feed", payload(i));
              }
            },
            publisherThread);
    // The node lets a closed slow consumer read what was queued for 10 s: resume within that.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> node.server.stats().slowConsumerCloses() >= 1);
    resume.countDown();
    publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    publisherThread.shutdown();
    await()
        .atMost(WAIT)
        .until(
            () ->
                rec.events(SubscribedEvent.class).stream().anyMatch(SubscribedEvent::resubscribed));
    for (int i = before + 1; i <= total; i++) {
      node.hub.publishText("feed", payload(i));
    }
    await().atMost(WAIT).until(() -> rec.offsets().contains((long) total));
    System.out.println("FIGURES 4008: " + account(rec, total));

    assertThat(rec.events(DisconnectedEvent.class))
        .first()
        .satisfies(e -> assertThat(e.code()).isEqualTo(Hub.CLOSE_SLOW_CONSUMER));
    assertThat(rec.offsets())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(rec.publications.get(total - 1).text()).isEqualTo(payload(total));
    assertThat(rec.events(LostEvent.class)).isEmpty();
  }

  @Test
  void aNodeCutOffFromRedisLongerThanHistoryMakesItsClientsResubscribeAndReportTheLoss()
      throws Exception {
    redis.flushAll();
    int history = 50;
    TcpProxy proxy = closing(new TcpProxy(redis.port()));
    RedisBroker brokerA = closing(broker("a", proxy.port()));
    HubNode nodeA =
        closing(
            HubNode.start(
                HubConfig.newBuilder().nodeId("a").historySize(history).build(),
                brokerA,
                closing(registry("a", proxy.port()))));
    HubNode nodeB =
        closing(
            HubNode.start(
                HubConfig.newBuilder().nodeId("b").historySize(history).build(),
                closing(broker("b", redis.port())),
                closing(registry("b", redis.port()))));
    subscribedClient(nodeA.uri(), rec);

    List<StreamPosition> accepted = new CopyOnWriteArrayList<>();
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    resources.add(publisher::shutdownNow);
    publisher.scheduleAtFixedRate(
        () -> {
          try {
            accepted.add(
                nodeB
                    .hub
                    .publishText("feed", "tick " + (accepted.size() + 1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS)
                    .position());
          } catch (Exception e) {
            throw new IllegalStateException(e); // node B's Redis is never cut
          }
        },
        0,
        5,
        TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> rec.publications.size() >= 20);

    proxy.cut();
    await().atMost(WAIT).until(() -> !brokerA.isAvailable());
    int atCut = accepted.size();
    await().atMost(WAIT).until(() -> accepted.size() >= atCut + 3 * history);
    proxy.restore();
    await().atMost(WAIT).until(brokerA::isAvailable);
    int atRestore = accepted.size();
    await().atMost(WAIT).until(() -> accepted.size() >= atRestore + 100);
    publisher.shutdown();
    assertThat(publisher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    long total = accepted.get(accepted.size() - 1).offset();
    await().atMost(WAIT).until(() -> rec.offsets().contains(total));
    System.out.println("FIGURES cut off from Redis: " + account(rec, total));

    assertThat(rec.events(ResubscribingEvent.class))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.cause()).isEqualTo(ResubscribingEvent.Cause.UNSUBSCRIBED);
              assertThat(e.code()).isEqualTo("insufficient_state");
            });
    assertThat(rec.events(LostEvent.class)).isNotEmpty().allMatch(LostEvent::hasRange);
    assertThat(rec.events(DisconnectedEvent.class)).as("the connection stayed").isEmpty();
    List<Long> expected =
        LongStream.rangeClosed(1, total)
            .filter(
                o ->
                    rec.events(LostEvent.class).stream()
                        .noneMatch(l -> o >= l.from() && o <= l.to()))
            .boxed()
            .toList();
    assertThat(rec.offsets()).containsExactlyElementsOf(expected);
  }

  private static RedisBroker broker(String nodeId, int port) {
    return RedisBroker.connect(redisConfig(nodeId, port), null, Clock.systemUTC());
  }

  private static RedisRegistry registry(String nodeId, int port) {
    return RedisRegistry.connect(redisConfig(nodeId, port));
  }

  private static RedisConfig redisConfig(String nodeId, int port) {
    return RedisConfig.newBuilder("redis://127.0.0.1:" + port)
        .nodeId(nodeId)
        .maxReconnectDelay(Duration.ofMillis(200))
        .build();
  }

  private static String payload(int seq) {
    StringBuilder b = new StringBuilder(4096);
    b.append(seq).append(':');
    while (b.length() < 4096) {
      b.append((char) ('a' + (seq + b.length()) % 26));
    }
    return b.toString();
  }
}
