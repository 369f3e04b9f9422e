package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory broker keeps state only for channels with publications or with subscribers on this
 * node, so that anonymous readers cannot grow the heap, and the positions it hands to readers of
 * empty channels stay truthful however channels come and go.
 */
class MemoryBrokerChannelBoundsTest {
  private static final PublishOptions SHORT =
      new PublishOptions(10, Duration.ofSeconds(10), Duration.ofMinutes(10), null);

  private final MutableClock clock = new MutableClock();
  private final MemoryBroker broker = new MemoryBroker(clock);

  @BeforeEach
  void start() {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
  }

  @AfterEach
  void close() {
    broker.close();
  }

  @Test
  void readingChannelsThatWereNeverPublishedKeepsNoStream() {
    for (int i = 0; i < 10_000; i++) {
      String channel = "r-" + UUID.randomUUID();
      HistoryResult h =
          join(
              broker.history(
                  channel,
                  i % 2 == 0
                      ? HistoryOptions.top()
                      : HistoryOptions.since(new StreamPosition(0, "x"), 10)));
      assertThat(h.offset()).isZero();
    }
    assertThat(broker.streamCount()).isZero();
  }

  @Test
  void aSubscriptionToAnEmptyChannelKeepsItsStreamOnlyWhileItLasts() {
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String channel = "s-" + UUID.randomUUID();
      channels.add(channel);
      // What the hub does for a subscriber: subscribe in the broker, then read the position.
      join(broker.subscribe(channel));
      join(broker.history(channel, HistoryOptions.top()));
    }
    assertThat(broker.streamCount()).isLessThanOrEqualTo(1_000);
    channels.forEach(c -> join(broker.unsubscribe(c)));
    assertThat(broker.streamCount()).isZero();
  }

  @Test
  void anEmptyChannelsPositionStaysValidForItsFirstPublications() {
    HistoryResult empty = join(broker.history("fresh", HistoryOptions.top()));
    PublishResult first = publish("fresh");
    publish("fresh");
    assertThat(first.epoch()).isEqualTo(empty.epoch());
    HistoryResult h =
        join(broker.history("fresh", HistoryOptions.since(empty.top(), HistoryOptions.NO_LIMIT)));
    assertThat(h.recoverable()).isTrue();
    assertThat(h.publications()).extracting(Publication::offset).containsExactly(1L, 2L);
  }

  @Test
  void anEmptyChannelsPositionIsNotMistakenForALaterIncarnation() {
    // A reader sees "c" empty; "c" then lives (offsets 1, 2), goes idle and is dropped, and starts
    // over at offset 1: the reader missed 1 and 2 of the first life and must be told so.
    StreamPosition seen = join(broker.history("c", HistoryOptions.top())).top();
    publish("c");
    publish("c");
    clock.advance(Duration.ofMinutes(11));
    publish("other"); // any call may sweep
    assertThat(join(broker.history("c", HistoryOptions.top())).offset())
        .as("c was dropped")
        .isZero();
    publish("c");
    HistoryResult h =
        join(broker.history("c", HistoryOptions.since(seen, HistoryOptions.NO_LIMIT)));
    assertThat(h.recoverable()).isFalse();
  }

  @Test
  void aSubscribedChannelKeepsTheEpochItsSubscribersWereTold() {
    join(broker.subscribe("live"));
    StreamPosition told = join(broker.history("live", HistoryOptions.top())).top();
    // Another channel's stream is dropped meanwhile, which changes what new streams start with.
    publish("idle");
    clock.advance(Duration.ofMinutes(11));
    publish("busy");
    assertThat(publish("live").epoch()).isEqualTo(told.epoch());
  }

  @Test
  void aSubscribedChannelIsNotDroppedWhileSubscribed() {
    join(broker.subscribe("quiet"));
    PublishResult first = publish("quiet");
    clock.advance(Duration.ofMinutes(11));
    publish("busy"); // sweeps
    PublishResult next = publish("quiet");
    assertThat(next.epoch()).isEqualTo(first.epoch());
    assertThat(next.offset()).isEqualTo(2);
  }

  @Test
  void aPublicationThatWouldStartOneChannelTooManyIsRefused() {
    MemoryBroker small = new MemoryBroker(clock, 2);
    small.start(BrokerListener.atMostOnce((c, p) -> {}));
    try {
      join(small.publish("a", new byte[] {'1'}, SHORT));
      join(small.publish("b", new byte[] {'1'}, SHORT));
      Throwable refused =
          catchThrowable(
              () -> small.publish("c", new byte[] {'1'}, SHORT).toCompletableFuture().join());
      assertThat(refused).hasCauseInstanceOf(HubException.class);
      HubException e = (HubException) refused.getCause();
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_CHANNELS);
      assertThat(e.getMessage()).contains("c").contains("(2)");
      assertThat(small.channelCount()).isEqualTo(2);
      assertThat(small.streamCount()).as("nothing kept for the refused one").isEqualTo(2);
      assertThat(join(small.publish("a", new byte[] {'2'}, SHORT)).offset())
          .as("existing channels go on")
          .isEqualTo(2);
      // Once a channel is forgotten, there is room again.
      clock.advance(Duration.ofMinutes(11));
      join(small.publish("a", new byte[] {'3'}, SHORT)); // sweeps b
      assertThat(small.channelCount()).isEqualTo(1);
      assertThat(join(small.publish("c", new byte[] {'1'}, SHORT)).offset()).isEqualTo(1);
    } finally {
      small.close();
    }
  }

  @Test
  void subscribingNeedsNoRoomButPublishingToANewChannelDoes() {
    MemoryBroker small = new MemoryBroker(clock, 1);
    small.start(BrokerListener.atMostOnce((c, p) -> {}));
    try {
      join(small.publish("a", new byte[] {'1'}, SHORT));
      join(small.subscribe("b"));
      StreamPosition told = join(small.history("b", HistoryOptions.top())).top();
      assertThat(told.offset()).isZero();
      assertThat(catchThrowable(() -> join(small.publish("b", new byte[] {'1'}, SHORT))))
          .hasMessageContaining("too_many_channels");
      join(small.unsubscribe("b"));
      assertThat(small.streamCount()).isEqualTo(1);
    } finally {
      small.close();
    }
  }

  private PublishResult publish(String channel) {
    return join(broker.publish(channel, "1".getBytes(StandardCharsets.UTF_8), SHORT));
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
