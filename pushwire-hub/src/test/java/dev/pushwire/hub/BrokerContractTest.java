package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} must do. A backend module adds a subclass that says how to make its
 * broker, how time passes for it, and how it loses its history; the tests are the same.
 */
public abstract class BrokerContractTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  protected final MutableClock clock = new MutableClock();
  protected Broker broker;
  protected final List<Delivered> delivered = Collections.synchronizedList(new ArrayList<>());

  /** What a broker delivered to its listener. */
  public record Delivered(String channel, Publication publication) {}

  /** A new broker that reads time from {@code clock} where it can. */
  protected abstract Broker newBroker(MutableClock clock);

  /**
   * {@code old}'s history lost, as after a restart of an in-memory broker or a flush of Redis;
   * returns the broker to go on with (not yet started).
   */
  protected abstract Broker loseHistory(Broker old, MutableClock clock);

  /** Lets {@code d} pass for the broker's notion of time. */
  protected void advance(Duration d) {
    clock.advance(d);
  }

  @BeforeEach
  void startBroker() {
    broker = newBroker(clock);
    broker.start(
        BrokerListener.atMostOnce((channel, p) -> delivered.add(new Delivered(channel, p))));
  }

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  // ---- offsets ------------------------------------------------------------------------------

  @Test
  void offsetsStartAtOneAndGrowByOneInOneEpoch() {
    PublishResult a = publish("news", "1");
    PublishResult b = publish("news", "2");
    PublishResult c = publish("news", "3");
    assertThat(List.of(a.offset(), b.offset(), c.offset())).containsExactly(1L, 2L, 3L);
    assertThat(b.epoch()).isEqualTo(a.epoch());
    assertThat(c.epoch()).isEqualTo(a.epoch());
  }

  @Test
  void channelsHaveTheirOwnOffsets() {
    publish("a", "1");
    publish("a", "2");
    assertThat(publish("b", "1").offset()).isEqualTo(1);
    assertThat(publish("a", "3").offset()).isEqualTo(3);
  }

  @Test
  void concurrentPublishersGetDistinctConsecutiveOffsets() throws Exception {
    int threads = 8;
    int each = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  List<Long> offsets = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    offsets.add(publish("busy", "x", options(10_000)).offset());
                  }
                  return offsets;
                },
                pool));
      }
      List<Long> all = new ArrayList<>();
      for (var f : futures) {
        List<Long> offsets = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(offsets).isSorted();
        all.addAll(offsets);
      }
      assertThat(all)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(1, threads * each).boxed().toList());
      assertThat(offsets(history("busy", HistoryOptions.latest(HistoryOptions.NO_LIMIT))))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * each).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void publicationCarriesDataTimeAndInfo() {
    long before = clock.millis();
    publish("news", "{\"a\":1}", PublishOptions.DEFAULT.withInfo(Map.of("by", "test")));
    Publication p = history("news", HistoryOptions.latest(1)).publications().get(0);
    assertThat(new String(p.data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(p.publishedAt()).isGreaterThanOrEqualTo(before);
    assertThat(p.info()).containsEntry("by", "test");
    assertThat(p.offset()).isEqualTo(1);
  }

  @Test
  void publishOwnedStoresAndDeliversAsPublishDoes() {
    join(broker.subscribe("news"));
    publish("news", "1");
    PublishResult r =
        join(
            broker.publishOwned(
                "news",
                "{\"a\":2}".getBytes(StandardCharsets.UTF_8),
                PublishOptions.DEFAULT.withInfo(Map.of("by", "test"))));
    assertThat(r.offset()).isEqualTo(2);
    Publication kept = history("news", HistoryOptions.latest(1)).publications().get(0);
    awaitDelivered(2);
    Publication live = delivered.get(1).publication();
    for (Publication p : List.of(kept, live)) {
      assertThat(text(p)).isEqualTo("{\"a\":2}");
      assertThat(p.offset()).isEqualTo(2);
      assertThat(p.epoch()).isEqualTo(r.epoch());
      assertThat(p.info()).containsEntry("by", "test");
    }
  }

  // ---- delivery -----------------------------------------------------------------------------

  @Test
  void deliversOnlyWhileSubscribed() {
    publish("news", "before");
    join(broker.subscribe("news"));
    publish("news", "during");
    publish("other", "elsewhere");
    join(broker.unsubscribe("news"));
    publish("news", "after");
    awaitDelivered(1);
    sleepForStragglers();
    assertThat(delivered).extracting(Delivered::channel).containsExactly("news");
    assertThat(text(delivered.get(0).publication())).isEqualTo("during");
    assertThat(delivered.get(0).publication().offset()).isEqualTo(2);
  }

  @Test
  void deliversEachChannelInOffsetOrderUnderConcurrentPublishing() throws Exception {
    join(broker.subscribe("a"));
    join(broker.subscribe("b"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String channel = t % 2 == 0 ? "a" : "b";
        futures.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    publish(channel, "x");
                  }
                },
                pool));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      awaitDelivered(800);
    } finally {
      pool.shutdownNow();
    }
    for (String channel : List.of("a", "b")) {
      List<Long> offsets;
      synchronized (delivered) {
        offsets =
            delivered.stream()
                .filter(d -> d.channel().equals(channel))
                .map(d -> d.publication().offset())
                .toList();
      }
      assertThat(offsets)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
    }
  }

  // ---- history bounds -----------------------------------------------------------------------

  @Test
  void historyKeepsAtMostItsSize() {
    for (int i = 1; i <= 10; i++) {
      publish("news", "m" + i, options(3));
    }
    HistoryResult h = history("news", HistoryOptions.latest(HistoryOptions.NO_LIMIT));
    assertThat(offsets(h)).containsExactly(8L, 9L, 10L);
    assertThat(h.offset()).isEqualTo(10);
  }

  @Test
  void historyDropsPublicationsOlderThanItsTtl() {
    PublishOptions ttl = new PublishOptions(100, Duration.ofSeconds(2), Duration.ofHours(1), null);
    publish("news", "old", ttl);
    advance(Duration.ofMillis(1500));
    publish("news", "newer", ttl);
    advance(Duration.ofMillis(1000));
    HistoryResult h = history("news", HistoryOptions.latest(HistoryOptions.NO_LIMIT));
    assertThat(offsets(h)).containsExactly(2L);
    advance(Duration.ofMillis(1500));
    h = history("news", HistoryOptions.latest(HistoryOptions.NO_LIMIT));
    assertThat(h.publications()).isEmpty();
    assertThat(h.offset()).as("the top offset outlives the history").isEqualTo(2);
  }

  @Test
  void zeroHistorySizeKeepsNothingButStillAssignsOffsets() {
    publish("news", "a", options(0));
    PublishResult r = publish("news", "b", options(0));
    assertThat(r.offset()).isEqualTo(2);
    HistoryResult h = history("news", HistoryOptions.latest(10));
    assertThat(h.publications()).isEmpty();
    assertThat(h.offset()).isEqualTo(2);
  }

  // ---- history reads ------------------------------------------------------------------------

  @Test
  void channelWithoutPublicationsHasTopZeroAndKeepsItsEpoch() {
    HistoryResult empty = history("fresh", HistoryOptions.top());
    assertThat(empty.offset()).isZero();
    assertThat(empty.publications()).isEmpty();
    PublishResult first = publish("fresh", "1");
    assertThat(first.offset()).isEqualTo(1);
    assertThat(first.epoch()).as("the epoch a reader saw stays valid").isEqualTo(empty.epoch());
  }

  @Test
  void latestReturnsTheNewestInAscendingOrder() {
    publishMany("news", 5);
    assertThat(offsets(history("news", HistoryOptions.latest(2)))).containsExactly(4L, 5L);
    assertThat(offsets(history("news", HistoryOptions.latest(HistoryOptions.NO_LIMIT))))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void limitZeroReturnsOnlyTheTop() {
    String epoch = publishMany("news", 3);
    HistoryResult h = history("news", HistoryOptions.top());
    assertThat(h.publications()).isEmpty();
    assertThat(h.top()).isEqualTo(new StreamPosition(3, epoch));
    assertThat(h.recoverable()).isFalse();
  }

  @Test
  void sinceReturnsWhatCameAfterAndIsRecoverable() {
    String epoch = publishMany("news", 5);
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(2, epoch), HistoryOptions.NO_LIMIT));
    assertThat(offsets(h)).containsExactly(3L, 4L, 5L);
    assertThat(h.recoverable()).isTrue();
    assertThat(h.offset()).isEqualTo(5);
  }

  @Test
  void sinceWithLimitReturnsTheFirstOnesAfterIt() {
    String epoch = publishMany("news", 5);
    HistoryResult h = history("news", HistoryOptions.since(new StreamPosition(1, epoch), 2));
    assertThat(offsets(h)).containsExactly(2L, 3L);
    assertThat(h.recoverable()).isTrue();
  }

  @Test
  void sinceAtTheTopIsRecoverableWithNothingMissed() {
    String epoch = publishMany("news", 3);
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(3, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.publications()).isEmpty();
    assertThat(h.recoverable()).isTrue();
  }

  @Test
  void sinceAtZeroOfAnEmptyChannelIsRecoverable() {
    String epoch = history("quiet", HistoryOptions.top()).epoch();
    HistoryResult h =
        history(
            "quiet", HistoryOptions.since(new StreamPosition(0, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.recoverable()).isTrue();
    assertThat(h.publications()).isEmpty();
  }

  @Test
  void sinceTrimmedByCountIsNotRecoverable() {
    String epoch = null;
    for (int i = 1; i <= 10; i++) {
      epoch = publish("news", "m" + i, options(3)).epoch();
    }
    StreamPosition lost = new StreamPosition(5, epoch);
    HistoryResult h = history("news", HistoryOptions.since(lost, HistoryOptions.NO_LIMIT));
    assertThat(h.recoverable()).isFalse();
    assertThat(offsets(h)).as("what is still kept after it").containsExactly(8L, 9L, 10L);
    StreamPosition edge = new StreamPosition(7, epoch);
    assertThat(history("news", HistoryOptions.since(edge, HistoryOptions.NO_LIMIT)).recoverable())
        .as("the oldest kept is the next one needed")
        .isTrue();
  }

  @Test
  void sinceExpiredByAgeIsNotRecoverable() {
    PublishOptions ttl = new PublishOptions(100, Duration.ofSeconds(1), Duration.ofHours(1), null);
    String epoch = publish("news", "a", ttl).epoch();
    publish("news", "b", ttl);
    advance(Duration.ofMillis(1500));
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(1, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.recoverable()).isFalse();
    assertThat(h.publications()).isEmpty();
  }

  @Test
  void sinceInAnotherEpochIsNotRecoverable() {
    publishMany("news", 3);
    HistoryResult h =
        history("news", HistoryOptions.since(new StreamPosition(1, "not-the-epoch"), 10));
    assertThat(h.recoverable()).isFalse();
    assertThat(offsets(h)).as("treated as no position: the latest").containsExactly(1L, 2L, 3L);
  }

  @Test
  void sinceAheadOfTheTopIsNotRecoverable() {
    String epoch = publishMany("news", 3);
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(9, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.recoverable()).isFalse();
  }

  @Test
  void removeHistoryMakesEarlierPositionsUnrecoverable() {
    String epoch = publishMany("news", 3);
    join(broker.removeHistory("news"));
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(1, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.recoverable()).isFalse();
    assertThat(h.publications()).isEmpty();
    PublishResult next = publish("news", "4");
    assertThat(next.offset() > 3 || !next.epoch().equals(epoch))
        .as("offsets go on, or a new epoch starts")
        .isTrue();
  }

  @Test
  void losingHistoryStartsANewEpoch() {
    String epoch = publishMany("news", 3);
    broker = loseHistory(broker, clock);
    broker.start(
        BrokerListener.atMostOnce((channel, p) -> delivered.add(new Delivered(channel, p))));
    HistoryResult h =
        history(
            "news", HistoryOptions.since(new StreamPosition(3, epoch), HistoryOptions.NO_LIMIT));
    assertThat(h.epoch()).isNotEqualTo(epoch);
    assertThat(h.recoverable()).isFalse();
    PublishResult r = publish("news", "again");
    assertThat(r.epoch()).isNotEqualTo(epoch);
  }

  // ---- helpers ------------------------------------------------------------------------------

  protected static PublishOptions options(int historySize) {
    return new PublishOptions(historySize, Duration.ofMinutes(5), Duration.ofHours(24), null);
  }

  protected PublishResult publish(String channel, String text) {
    return publish(channel, text, PublishOptions.DEFAULT);
  }

  protected PublishResult publish(String channel, String text, PublishOptions options) {
    return join(broker.publish(channel, text.getBytes(StandardCharsets.UTF_8), options));
  }

  /** Publishes {@code n} messages and returns the epoch. */
  protected String publishMany(String channel, int n) {
    String epoch = null;
    for (int i = 1; i <= n; i++) {
      epoch = publish(channel, "m" + i).epoch();
    }
    return epoch;
  }

  protected HistoryResult history(String channel, HistoryOptions options) {
    return join(broker.history(channel, options));
  }

  protected static List<Long> offsets(HistoryResult h) {
    return h.publications().stream().map(Publication::offset).toList();
  }

  protected static String text(Publication p) {
    return new String(p.data(), StandardCharsets.UTF_8);
  }

  protected static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("broker call failed or timed out", e);
    }
  }

  /** Waits until at least {@code n} publications were delivered (networked brokers lag). */
  protected void awaitDelivered(int n) {
    await("publications delivered")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(
            () ->
                assertThat(delivered.size())
                    .as("publications delivered")
                    .isGreaterThanOrEqualTo(n));
  }

  /**
   * Gives a networked broker time to deliver what it should not (a wait for something that must not
   * happen, so a sleep); the memory broker delivers synchronously, so it overrides this with
   * nothing.
   */
  protected void sleepForStragglers() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
