package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** What only the memory broker does: bounded memory for idle channels, and closing. */
class MemoryBrokerTest {
  private final MutableClock clock = new MutableClock();
  private final MemoryBroker broker = new MemoryBroker(clock);

  private static final PublishOptions SHORT =
      new PublishOptions(10, Duration.ofSeconds(10), Duration.ofMinutes(10), null);

  @Test
  void idleChannelsAreDroppedAfterTheirMetaTtlAndComeBackInANewEpoch() throws Exception {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    String epoch = publish("idle", SHORT).epoch();
    clock.advance(Duration.ofMinutes(11));
    publish("busy", SHORT); // any call may sweep
    assertThat(broker.streamCount()).isEqualTo(1);
    HistoryResult h =
        broker
            .history("idle", HistoryOptions.since(new StreamPosition(1, epoch), 10))
            .toCompletableFuture()
            .get();
    assertThat(h.epoch()).isNotEqualTo(epoch);
    assertThat(h.offset()).isZero();
    assertThat(h.recoverable()).isFalse();
  }

  @Test
  void channelsWithinTheirMetaTtlAreKept() {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    publish("a", SHORT);
    clock.advance(Duration.ofMinutes(5));
    publish("b", SHORT);
    clock.advance(Duration.ofMinutes(2));
    publish("b", SHORT);
    assertThat(broker.streamCount()).isEqualTo(2);
  }

  @Test
  void startsOnlyOnce() {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    assertThatThrownBy(() -> broker.start(BrokerListener.atMostOnce((c, p) -> {})))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closedBrokerFailsCallsAsUnavailable() {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    broker.close();
    assertThatThrownBy(
            () -> broker.publish("news", new byte[] {1}, SHORT).toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HubException.class)
        .hasMessage("the memory broker is closed");
  }

  @Test
  void dataIsCopiedOnPublish() throws Exception {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
    broker.publish("news", data, SHORT).toCompletableFuture().get();
    data[0] = 'X';
    Publication p =
        broker
            .history("news", HistoryOptions.latest(1))
            .toCompletableFuture()
            .get()
            .publications()
            .get(0);
    assertThat(new String(p.data(), StandardCharsets.UTF_8)).isEqualTo("abc");
  }

  @Test
  void publishOwnedKeepsTheArrayItIsGiven() throws Exception {
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
    broker.publishOwned("news", data, SHORT).toCompletableFuture().get();
    Publication p =
        broker
            .history("news", HistoryOptions.latest(1))
            .toCompletableFuture()
            .get()
            .publications()
            .get(0);
    assertThat(p.data()).isSameAs(data);
  }

  private PublishResult publish(String channel, PublishOptions options) {
    try {
      return broker
          .publish(channel, "x".getBytes(StandardCharsets.UTF_8), options)
          .toCompletableFuture()
          .get();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new RuntimeException(e);
    }
  }
}
