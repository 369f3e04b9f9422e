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

/** How a {@link ChannelTracker} closes gaps in live delivery without delivering anything twice. */
class ChannelTrackerTest {
  private final List<StreamPosition> reads = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<HistoryResult>> pending = new CopyOnWriteArrayList<>();
  private final List<Publication> delivered = new CopyOnWriteArrayList<>();
  private final ChannelTracker tracker =
      new ChannelTracker(
          "news",
          since -> {
            reads.add(since);
            CompletableFuture<HistoryResult> f = new CompletableFuture<>();
            pending.add(f);
            return f;
          },
          delivered::add);

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
  void aNewEpochIsDeliveredFromItsFirstKeptPublication() {
    tracker.onLive(p(7, "old"));
    tracker.onLive(p(3, "new"));
    assertThat(reads).containsExactly(new StreamPosition(0, "new"));
    pending.get(0).complete(history("new", 3, p(1, "new"), p(2, "new"), p(3, "new")));
    assertThat(delivered)
        .extracting(Publication::position)
        .containsExactly(
            new StreamPosition(7, "old"),
            new StreamPosition(1, "new"),
            new StreamPosition(2, "new"),
            new StreamPosition(3, "new"));
  }

  @Test
  void theFirstPublicationOfANewEpochNeedsNoRead() {
    tracker.onLive(p(7, "old"));
    tracker.onLive(p(1, "new"));
    assertThat(reads).isEmpty();
    assertThat(delivered).hasSize(2);
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
            delivered::add);
    failing.onLive(p(1, "e"));
    failing.onLive(p(3, "e"));
    await("both delivered").atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= 2);
    assertThat(reads).hasSize(ChannelTracker.MAX_FILL_ATTEMPTS);
    assertThat(offsets()).containsExactly(1L, 3L);
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
}
