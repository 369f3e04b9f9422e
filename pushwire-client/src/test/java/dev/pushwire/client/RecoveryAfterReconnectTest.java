package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.hub.HubConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real node drops the client's connection several times while a publisher keeps publishing; the
 * client reconnects, resubscribes with {@code since}, and its listener sees every offset exactly
 * once, in order. With history too small for the time away, the node names the lost offsets in its
 * answer and sends what history holds; the client reports the loss and delivers the rest.
 */
@Timeout(120)
class RecoveryAfterReconnectTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ReconnectPolicy FAST =
      ReconnectPolicy.newBuilder()
          .initialDelay(Duration.ofMillis(50))
          .maxDelay(Duration.ofMillis(200))
          .build();

  private HubNode node;
  private PushwireClient client;
  private final Recorder rec = new Recorder();

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private void start(HubConfig config) throws Exception {
    node = HubNode.start(config);
    client =
        rec.attach(
            PushwireClient.create(node.uri(), ClientConfig.newBuilder().reconnect(FAST).build()));
    client.subscribe("ticks", rec);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !rec.events(SubscribedEvent.class).isEmpty());
  }

  @Test
  void everyOffsetArrivesExactlyOnceInOrderAcrossFiveDroppedConnections() throws Exception {
    start(HubConfig.newBuilder().nodeId("rc").historySize(1000).build());
    int total = 2000;
    int drops = 5;
    AtomicInteger sent = new AtomicInteger();
    // A thread of its own: the common pool may be busy with the backends' work.
    ExecutorService publisherThread = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> publisher =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 1; i <= total; i++) {
                node.publish("ticks", "t" + i);
                sent.incrementAndGet();
                // Paces the publisher (about 1000 a second) so that drops fall in the middle.
                LockSupport.parkNanos(1_000_000);
              }
            },
            publisherThread);

    for (int d = 1; d <= drops; d++) {
      int threshold = d * total / (drops + 2);
      await().atMost(WAIT).until(() -> sent.get() >= threshold);
      int answers = d;
      await()
          .atMost(WAIT)
          .until(
              () ->
                  rec.events(SubscribedEvent.class).size() >= answers
                      && node.hub.subscribers("ticks").size() == 1);
      assertThat(node.disconnectSubscribers("ticks", 1011, "dropped by the test"))
          .as("drop %d", d)
          .isEqualTo(1);
      int droppedAt = d;
      await().atMost(WAIT).until(() -> rec.events(DisconnectedEvent.class).size() >= droppedAt);
    }
    publisher.get(60, TimeUnit.SECONDS);
    publisherThread.shutdown();
    await().atMost(WAIT).until(() -> rec.publications.size() >= total);
    client.ping().toCompletableFuture().get(10, TimeUnit.SECONDS); // a late duplicate would be here

    List<Long> offsets = rec.offsets();
    Set<Long> distinct = new HashSet<>(offsets);
    long duplicates = offsets.size() - distinct.size();
    long gaps = LongStream.rangeClosed(1, total).filter(o -> !distinct.contains(o)).count();
    List<SubscribedEvent> answers = rec.events(SubscribedEvent.class);
    List<Boolean> recoveredFlags =
        answers.stream()
            .filter(SubscribedEvent::resubscribed)
            .map(SubscribedEvent::recovered)
            .toList();
    System.out.printf(
        "FIGURES reconnect: sent=%d received=%d duplicates=%d gaps=%d drops=%d"
            + " resubscribes=%d recovered=%s recoveredFromHistory=%d lostEvents=%d%n",
        total,
        offsets.size(),
        duplicates,
        gaps,
        rec.events(DisconnectedEvent.class).size(),
        recoveredFlags.size(),
        recoveredFlags,
        rec.recoveredFromHistory(),
        rec.events(LostEvent.class).size());

    assertThat(offsets)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(rec.texts().get(total - 1)).isEqualTo("t" + total);
    assertThat(recoveredFlags).hasSize(drops).containsOnly(true);
    assertThat(rec.events(LostEvent.class)).isEmpty();
  }

  @Test
  void whatHistoryNoLongerHoldsIsReportedAsLost() throws Exception {
    start(HubConfig.newBuilder().nodeId("lost").historySize(10).build());
    for (int i = 1; i <= 5; i++) {
      node.publish("ticks", "t" + i);
    }
    await().atMost(WAIT).until(() -> rec.publications.size() == 5);

    node.refuseUpgrades(true);
    node.disconnectSubscribers("ticks", 1011, "dropped by the test");
    await().atMost(WAIT).until(() -> client.state() != ConnectionState.OPEN);
    for (int i = 6; i <= 40; i++) {
      node.publish("ticks", "t" + i); // history keeps only 31..40
    }
    node.refuseUpgrades(false);
    await().atMost(WAIT).until(() -> !rec.events(LostEvent.class).isEmpty());
    for (int i = 41; i <= 45; i++) {
      node.publish("ticks", "t" + i);
    }
    await().atMost(WAIT).until(() -> rec.offsets().contains(45L));

    LostEvent lost = rec.events(LostEvent.class).get(0);
    assertThat(lost.channel()).isEqualTo("ticks");
    assertThat(lost.since().offset()).isEqualTo(5);
    assertThat(lost.from()).isEqualTo(6);
    assertThat(lost.to()).as("history holds 31..40: they are sent").isEqualTo(30);
    // Every offset arrived once, or is named lost; nothing twice.
    List<Long> expected =
        LongStream.rangeClosed(1, 45)
            .filter(o -> o < lost.from() || o > lost.to())
            .boxed()
            .toList();
    assertThat(rec.offsets()).containsExactlyElementsOf(expected);
    SubscribedEvent last = rec.events(SubscribedEvent.class).get(1);
    assertThat(last.recovered()).isFalse();
    assertThat(last.resubscribed()).isTrue();
    System.out.printf(
        "FIGURES lost: since=%s lost=%d..%d received=%s%n",
        lost.since(), lost.from(), lost.to(), rec.offsets());
  }
}
