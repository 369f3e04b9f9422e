package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.redis.RedisSentinelGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes started with {@code --broker} and {@code --registry} set to a {@code redis-sentinel://}
 * URI: a publication on one reaches a client of the other, either lists both nodes' connections,
 * {@code /api/stats} names the sentinels and the master; and after the master is killed publishing
 * works again by itself.
 */
@Timeout(90)
class NodesThroughRedisSentinelTest {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  @Test
  void nodesShareBrokerAndRegistryThroughSentinelAndOutliveAFailover() throws Exception {
    group.flushAll();
    try (TwoNodesThroughRedis nodes = new TwoNodesThroughRedis(group.uri())) {
      nodes.awaitSubscribedInRedis(
          () -> group.master().command("PUBSUB", "NUMSUB", "pushwire:ch:news"));
      nodes.assertShared(group.uri());

      group.awaitFailoverFrom(group.killMaster(), Duration.ofSeconds(40));
      await("publishing works again after the failover")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> nodes.publishOnA("two") == 200);
      assertThat(nodes.onB.nextText()).isEqualTo("two");
    }
  }
}
