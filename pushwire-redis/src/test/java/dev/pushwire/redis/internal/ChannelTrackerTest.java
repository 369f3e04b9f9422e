package dev.pushwire.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How a {@link ChannelTracker} closes gaps in live delivery without delivering anything twice, and
 * reports the gaps it cannot close, in line with what it delivers.
 */
class ChannelTrackerTest {
  private final List<StreamPosition> reads = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<HistoryResult>> pending = new CopyOnWriteArrayList<>();
  private final List<Publication> delivered = new CopyOnWriteArrayList<>();

  /** Deliveries and gaps in the order the tracker made them: "e:3" for a delivery, "gap@e:2". */
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final ChannelTracker tracker =
      new ChannelTracker(
          "news",
          since -> {
            reads.add(since);
            CompletableFuture<HistoryResult> f = new CompletableFuture<>();
            pending.add(f);
            return f;
          },
          this::delivered,
          this::gap);

  private void delivered(Publication p) {
    delivered.add(p);
    events.add(p.epoch() + ":" + p.offset());
  }

  private void gap(StreamPosition last) {
    events.add(last == null ? "gap@start" : "gap@" + last.epoch() + ":" + last.offset());
  }

  @Test
  void deliversConsecutiveOffsetsAndDropsOnesAlreadyDelivered() {
    tracker.onLive(p(4, "e"));
    tracker.onLive(p(5, "e"));
    tracker.onLive(p(5, "e"));
    tracker.onLive(p(3, "e"));
    tracker.onLive(p(6, "e"));
    assertThat(offsets()).containsExactly(4L, 5L, 6L);
    assertThat(reads).isEmpty();
  }

  @Test
  void aGapIsFilledFromHistoryBeforeWhatArrivedMeanwhile() {
    tracker.onLive(p(1, "e"));
    tracker.onLive(p(4, "e"));
    tracker.onLive(p(5, "e"));
    assertThat(reads).containsExactly(new StreamPosition(1, "e"));
    assertThat(offsets()).containsExactly(1L);

    pending.get(0).complete(history("e", 5, p(2, "e"), p(3, "e"), p(4, "e"), p(5, "e")));

    assertThat(offsets()).containsExactly(1L, 2L, 3L, 4L, 5L);
    tracker.onLive(p(6, "e"));
    assertThat(offsets()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events).noneMatch(e -> e.startsWith("gap"));
  }

  @Test
  void aGapLargerThanHistoryIsReportedBeforeWhatHistoryStillHolds() {
    tracker.onLive(p(1, "e"));
    tracker.onLive(p(9, "e"));
    // History keeps 5..9 only: 2..4 are gone.
    pending.get(0).complete(unrecoverable("e", 9, p(5, "e"), p(6, "e"), p(7, "e"), p(8, "e")));
    tracker.onLive(p(10, "e"));
    assertThat(events).containsExactly("e:1", "gap@e:1", "e:5", "e:6", "e:7", "e:8", "e:9", "e:10");
  }

  @Test
  void whatArrivesBeyondTheBufferDuringAFillIsReadAgainFromHistory() {
    tracker.onLive(p(1, "e"));
    tracker.onLive(p(3, "e"));
    long last = 3 + ChannelTracker.MAX_BUFFER + 5;
    for (long o = 4; o <= last; o++) {
      tracker.onLive(p(o, "e"));
    }
    List<Publication> kept = new ArrayList<>();
    for (long o = 2; o <= 3; o++) {
      kept.add(p(o, "e"));
    }
    pending.get(0).complete(new HistoryResult(kept, 3, "e", true));
    // The buffer held 3 .. 3+MAX_BUFFER-1; the rest is read again after the last delivered one.
    assertThat(reads).hasSize(2);
    long delivered = 2 + ChannelTracker.MAX_BUFFER;
    assertThat(reads.get(1)).isEqualTo(new StreamPosition(delivered, "e"));
    List<Publication> rest = new ArrayList<>();
    for (long o = delivered + 1; o <= last; o++) {
      rest.add(p(o, "e"));
    }
    pending.get(1).complete(new HistoryResult(rest, last, "e", true));
    assertThat(offsets()).hasSize((int) last);
    assertThat(offsets().get(offsets().size() - 1)).isEqualTo(last);
    assertThat(events).noneMatch(e -> e.startsWith("gap"));
  }

  @Test
  void aBaselineLetsAReconnectBeforeAnyPublicationFillFromIt() {
    tracker.baseline(new StreamPosition(10, "e"));
    tracker.onResubscribed();
    assertThat(reads).containsExactly(new StreamPosition(10, "e"));
    pending.get(0).complete(history("e", 12, p(11, "e"), p(12, "e")));
    assertThat(offsets()).containsExactly(11L, 12L);
  }

  @Test
  void afterResubscribingItReadsWhatWasMissed() {
    tracker.onLive(p(1, "e"));
    tracker.onResubscribed();
    assertThat(reads).containsExactly(new StreamPosition(1, "e"));
    tracker.onLive(p(4, "e")); // arrives while the read runs
    pending.get(0).complete(history("e", 3, p(2, "e"), p(3, "e")));
    assertThat(offsets()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void resubscribingBeforeAnyPublicationReadsNothing() {
    tracker.onResubscribed();
    assertThat(reads).isEmpty();
  }

  @Test
  void aNewEpochIsAGapThenDeliveredFromItsFirstKeptPublication() {
    tracker.onLive(p(7, "old"));
    tracker.onLive(p(3, "new"));
    assertThat(reads).containsExactly(new StreamPosition(0, "new"));
    pending.get(0).complete(history("new", 3, p(1, "new"), p(2, "new"), p(3, "new")));
    assertThat(events).containsExactly("old:7", "gap@old:7", "new:1", "new:2", "new:3");
  }

  @Test
  void theFirstPublicationOfANewEpochNeedsNoReadButIsAGap() {
    tracker.onLive(p(7, "old"));
    tracker.onLive(p(1, "new"));
    assertThat(reads).isEmpty();
    assertThat(events).containsExactly("old:7", "gap@old:7", "new:1");
  }

  @Test
  void aReadThatKeepsFailingIsTriedAgainThenTheGapIsAccepted() throws Exception {
    ChannelTracker failing =
        new ChannelTracker(
            "news",
            since -> {
              reads.add(since);
              return CompletableFuture.failedFuture(
                  new HubException(ErrorCode.UNAVAILABLE, "down"));
            },
            this::delivered,
            this::gap);
    failing.onLive(p(1, "e"));
    failing.onLive(p(3, "e"));
    // The retries take about 5 s in all; a busy machine may stretch that.
    await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() == 2);
    assertThat(reads).hasSize(ChannelTracker.MAX_FILL_ATTEMPTS);
    assertThat(events).containsExactly("e:1", "gap@e:1", "e:3");
  }

  @Test
  void nothingIsDeliveredAfterClose() {
    tracker.onLive(p(1, "e"));
    tracker.onLive(p(3, "e"));
    tracker.close();
    pending.get(0).complete(history("e", 3, p(2, "e"), p(3, "e")));
    tracker.onLive(p(4, "e"));
    assertThat(offsets()).containsExactly(1L);
  }

  private List<Long> offsets() {
    List<Long> out = new ArrayList<>();
    delivered.forEach(p -> out.add(p.offset()));
    return out;
  }

  private static Publication p(long offset, String epoch) {
    return new Publication(offset, epoch, new byte[] {(byte) offset}, 1000 + offset);
  }

  private static HistoryResult history(String epoch, long top, Publication... ps) {
    return new HistoryResult(List.of(ps), top, epoch, true);
  }

  private static HistoryResult unrecoverable(String epoch, long top, Publication... ps) {
    return new HistoryResult(List.of(ps), top, epoch, false);
  }
}
