package dev.pushwire.redis;

import static dev.pushwire.hub.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link RedisBroker} does when Redis goes away: fail fast with {@code UNAVAILABLE},
 * reconnect, resubscribe, and resume delivery without duplicates. The server keeps no data across a
 * restart, so every channel starts a new epoch.
 */
class RedisBrokerRestartTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<RedisBroker> brokers = new ArrayList<>();
  private final List<Publication> deliveredToB = new CopyOnWriteArrayList<>();
  private RedisBroker a;
  private RedisBroker b;

  @BeforeEach
  void startNodes() throws Exception {
    redis.start();
    redis.flushAll();
    a = node("a", new CopyOnWriteArrayList<>());
    b = node("b", deliveredToB);
  }

  @AfterEach
  void stopNodes() {
    brokers.forEach(RedisBroker::close);
  }

  @Test
  void afterARestartThatLostTheDataDeliveryResumesOnceInANewEpoch() throws Exception {
    join(b.subscribe("news"));
    String oldEpoch = publish(10).get(9).epoch();
    await("b got 1..10").atMost(WAIT).until(() -> deliveredToB.size() >= 10);

    redis.restart();

    PublishResult first = publishOnceRedisIsBack("after restart");
    assertThat(first.epoch()).as("the history was lost: a new epoch").isNotEqualTo(oldEpoch);
    assertThat(first.offset()).isEqualTo(1);
    HistoryResult h =
        join(
            a.history(
                "news",
                HistoryOptions.since(new StreamPosition(10, oldEpoch), HistoryOptions.NO_LIMIT)));
    assertThat(h.recoverable()).isFalse();
    assertThat(h.epoch()).isEqualTo(first.epoch());

    publish(5);
    publish(1); // the marker: a channel is delivered in order, so a duplicate comes before it
    await("b got the 7 new ones").atMost(WAIT).until(() -> deliveredToB.size() >= 17);
    List<StreamPosition> expected = new ArrayList<>();
    LongStream.rangeClosed(1, 10).forEach(o -> expected.add(new StreamPosition(o, oldEpoch)));
    LongStream.rangeClosed(1, 7).forEach(o -> expected.add(new StreamPosition(o, first.epoch())));
    assertThat(deliveredToB).extracting(Publication::position).containsExactlyElementsOf(expected);
    assertThat(redis.subscribers("pushwire:ch:news")).as("Lettuce subscribed b again").isEqualTo(1);
  }

  @Test
  void publishingWhileRedisIsDownFailsFastWithUnavailable() throws Exception {
    // Far longer than a publish that fails fast takes on a busy machine: one that waited for the
    // timeout instead (the default is 2 s) is told apart by a wide margin.
    Duration commandTimeout = Duration.ofSeconds(10);
    RedisBroker c = node("c", new CopyOnWriteArrayList<>(), commandTimeout);
    join(c.publish("news", "m".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT));
    redis.stop();
    await("c noticed").atMost(WAIT).until(() -> !c.isAvailable());

    long start = System.nanoTime();
    var publishing =
        c.publish("news", "x".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT)
            .toCompletableFuture();
    assertThatThrownBy(() -> publishing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HubException.class)
        .hasMessageContaining("Redis at redis://127.0.0.1:" + redis.port())
        .satisfies(e -> assertThat(((HubException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(commandTimeout.dividedBy(2));
    assertThat(c.lastError()).isNotNull();

    redis.start();
    publishOnceRedisIsBack("back");
    await("c available").atMost(WAIT).until(c::isAvailable);
  }

  @Test
  void aRedisThatDoesNotAnswerTimesOutWithUnavailable() throws Exception {
    publish(1);
    // Paused for longer than the 2 s command timeout and the slack a busy machine needs, yet short
    // enough for the UNPAUSE below (paused too) to be answered within the test's read timeout.
    redis.command("CLIENT", "PAUSE", "5000", "ALL");
    long start = System.nanoTime();
    var publishing =
        a.publish("news", "x".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT)
            .toCompletableFuture();
    assertThatThrownBy(() -> publishing.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(HubException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("within 2 s");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(1800), Duration.ofMillis(4500));
    redis.command("CLIENT", "UNPAUSE");
  }

  private List<PublishResult> publish(int n) {
    List<PublishResult> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          join(a.publish("news", "m".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT)));
    }
    return out;
  }

  private PublishResult publishOnceRedisIsBack(String text) {
    return await("Redis back: a publish succeeds")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions() // refused or timed out while Redis restarts
        .until(
            () ->
                a.publish("news", text.getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS),
            Objects::nonNull);
  }

  private RedisBroker node(String id, List<Publication> sink) {
    return node(id, sink, RedisConfig.DEFAULT_COMMAND_TIMEOUT);
  }

  private RedisBroker node(String id, List<Publication> sink, Duration commandTimeout) {
    RedisBroker broker =
        RedisBroker.connect(
            RedisConfig.newBuilder(redis.uri())
                .nodeId(id)
                .maxReconnectDelay(Duration.ofMillis(200))
                .commandTimeout(commandTimeout)
                .build(),
            null,
            Clock.systemUTC());
    brokers.add(broker);
    broker.start(BrokerListener.atMostOnce((channel, p) -> sink.add(p)));
    return broker;
  }
}
