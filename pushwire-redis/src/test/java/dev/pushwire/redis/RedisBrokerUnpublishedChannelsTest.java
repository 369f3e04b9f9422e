package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.hub.testing.Stages;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading a channel nobody publishes to makes the Redis broker keep a key for it only briefly (so
 * that a reader's position stays valid for the channel's first publications), while a node
 * subscribed to such a channel keeps its epoch for its subscribers however long it stays quiet.
 */
@Timeout(60)
class RedisBrokerUnpublishedChannelsTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static ClientResources resources;

  @BeforeAll
  static void shareResources() {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
  }

  @AfterAll
  static void releaseResources() {
    resources.shutdown();
  }

  @BeforeEach
  void flush() {
    redis.flushAll();
  }

  @Test
  void aReadOfAnUnpublishedChannelKeepsItsKeyForAMinuteAtMostByDefault() throws Exception {
    try (RedisBroker broker = connect(RedisConfig.newBuilder(redis.uri()).nodeId("a").build())) {
      Stages.join(broker.history("read-once", HistoryOptions.top()));
      long ttl = (Long) redis.command("PTTL", "pushwire:meta:{read-once}");
      assertThat(ttl).isBetween(1L, Duration.ofMinutes(1).toMillis());
    }
  }

  @Test
  void keysOfFloodedReadsOnRandomChannelsGoAway() throws Exception {
    try (RedisBroker broker =
        connect(
            RedisConfig.newBuilder(redis.uri())
                .nodeId("a")
                .streamMetaTtl(Duration.ofSeconds(1))
                .build())) {
      List<CompletableFuture<?>> reads =
          IntStream.range(0, 5_000)
              .mapToObj(
                  i ->
                      broker
                          .history("flood-" + UUID.randomUUID(), HistoryOptions.top())
                          .toCompletableFuture())
              .<CompletableFuture<?>>map(f -> f)
              .toList();
      reads.forEach(Stages::join);
      assertThat(keys()).isBetween(1L, 5_000L);
      await("the read-only channels' keys expired")
          .atMost(Duration.ofSeconds(30))
          .until(() -> keys() == 0);
    }
  }

  @Test
  void aSubscribedNodeKeepsAQuietChannelsEpochForItsSubscribers() throws Exception {
    try (RedisBroker broker =
        connect(
            RedisConfig.newBuilder(redis.uri())
                .nodeId("a")
                .streamMetaTtl(Duration.ofSeconds(1))
                .build())) {
      broker.start(BrokerListener.atMostOnce((channel, p) -> {}));
      // What the hub does for a subscriber: subscribe in the broker, then read the position.
      Stages.join(broker.subscribe("quiet"));
      StreamPosition told = Stages.join(broker.history("quiet", HistoryOptions.top())).top();
      Stages.join(broker.history("unwatched", HistoryOptions.top()));
      // The unwatched channel, read at the same time with the same ttl, is gone: so would the
      // quiet one be, were it not for its subscriber.
      await("the unwatched channel's key expired")
          .atMost(Duration.ofSeconds(20))
          .until(() -> exists("pushwire:meta:{unwatched}") == 0);
      String epoch =
          Stages.join(
                  broker.publish(
                      "quiet", "1".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT))
              .epoch();
      assertThat(epoch).isEqualTo(told.epoch());

      // Once nobody is subscribed, an unpublished channel's key goes away again.
      Stages.join(broker.subscribe("left"));
      Stages.join(broker.history("left", HistoryOptions.top()));
      Stages.join(broker.unsubscribe("left"));
      await("the left channel's key expired")
          .atMost(Duration.ofSeconds(20))
          .until(() -> exists("pushwire:meta:{left}") == 0);
    }
  }

  private static RedisBroker connect(RedisConfig config) {
    return RedisBroker.connect(config, resources, Clock.systemUTC());
  }

  private static long keys() {
    try {
      return (Long) redis.command("DBSIZE");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long exists(String key) {
    try {
      return (Long) redis.command("EXISTS", key);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
