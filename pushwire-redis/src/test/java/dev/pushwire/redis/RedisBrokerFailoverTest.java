package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream that lost writes starts a new epoch instead of giving their offsets to new publications:
 * when it is behind what the node saw, and, through Sentinel, when it was written before a
 * failover, unless publications waited for a replica. Publishing resumes by itself after the master
 * is killed.
 */
class RedisBrokerFailoverTest {
  // Two replicas: one is left to acknowledge publications after the failover.
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup(2);
  @RegisterExtension static final RedisServerProcess single = new RedisServerProcess();

  private static final Duration FAILOVER = Duration.ofSeconds(40);
  private static final String CHANNEL = "ticks";

  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    group.heal();
  }

  @Test
  void aStreamBehindWhatTheNodeDeliveredStartsANewEpochAndTheGapIsReported() throws Exception {
    single.flushAll();
    RedisBroker broker = started(RedisConfig.newBuilder(single.uri()).nodeId("a").build());
    broker.subscribe(CHANNEL).toCompletableFuture().get(10, TimeUnit.SECONDS);
    PublishResult first = publish(broker, "1");
    publish(broker, "2");
    publish(broker, "3");
    await().atMost(FAILOVER).until(() -> events.size() == 3);
    // What a failover to a replica that had only the first publication leaves.
    single.command("HSET", "pushwire:meta:{" + CHANNEL + "}", "top", "1");
    single.command("LTRIM", "pushwire:history:{" + CHANNEL + "}", "-1", "-1");

    PublishResult next = publish(broker, "4");

    assertThat(next.epoch()).isNotEqualTo(first.epoch());
    assertThat(next.offset()).isEqualTo(1);
    await().atMost(FAILOVER).until(() -> events.size() == 5);
    assertThat(events).containsExactly("1@1", "2@2", "3@3", "gap after 3", "4@1");
  }

  @Test
  void throughSentinelPublishingResumesAfterTheMasterIsKilledInANewEpoch() throws Exception {
    group.flushAll();
    RedisBroker broker = started(sentinelConfig().build());
    PublishResult before = publish(broker, "before");

    RedisServerProcess old = group.killMaster();
    group.awaitFailoverFrom(old, FAILOVER);
    PublishResult after = resumed(broker, "after");

    // The promoted replica may lack the last publications: nothing tells, so the epoch changes.
    assertThat(after.epoch()).isNotEqualTo(before.epoch());
    assertThat(after.offset()).isEqualTo(1);
  }

  @Test
  void waitingForTheReplicaKeepsTheEpochThroughAFailover() throws Exception {
    group.flushAll();
    RedisBroker broker =
        started(sentinelConfig().waitForReplicas(1, Duration.ofMillis(1000)).build());
    PublishResult before = publish(broker, "before");

    RedisServerProcess old = group.killMaster();
    group.awaitFailoverFrom(old, FAILOVER);
    PublishResult after = resumed(broker, "after");

    assertThat(after).isEqualTo(new PublishResult(before.offset() + 1, before.epoch()));
  }

  @Test
  void aPublicationNoReplicaAcknowledgedFailsSayingSo() {
    single.flushAll();
    RedisBroker broker =
        started(
            RedisConfig.newBuilder(single.uri())
                .nodeId("a")
                .waitForReplicas(1, Duration.ofMillis(100))
                .build());
    assertThatThrownBy(() -> publish(broker, "x"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("only 0 of 1 replicas acknowledged it")
        .satisfies(e -> assertThat(((HubException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  // ---- helpers ----

  private static RedisConfig.Builder sentinelConfig() {
    return RedisConfig.newBuilder(group.uri())
        .nodeId("a")
        .commandTimeout(Duration.ofSeconds(2))
        .maxReconnectDelay(Duration.ofMillis(200));
  }

  private RedisBroker started(RedisConfig config) {
    RedisBroker broker = RedisBroker.connect(config, null, Clock.systemUTC());
    closing.add(broker);
    broker.start(
        new BrokerListener() {
          @Override
          public void onPublication(String channel, Publication p) {
            events.add(new String(p.data(), StandardCharsets.UTF_8) + "@" + p.offset());
          }

          @Override
          public void onGap(String channel, StreamPosition last) {
            events.add("gap after " + (last == null ? "none" : last.offset()));
          }
        });
    return broker;
  }

  /** Publishes until Redis accepts it again: while the failover runs, publications fail. */
  private static PublishResult resumed(RedisBroker broker, String text) {
    PublishResult[] out = new PublishResult[1];
    await()
        .atMost(FAILOVER)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              out[0] = publish(broker, text);
              return true;
            });
    return out[0];
  }

  private static PublishResult publish(RedisBroker broker, String text) throws Exception {
    try {
      return broker
          .publish(CHANNEL, text.getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
