package dev.pushwire.server;

import dev.pushwire.redis.RedisClusterGroup;
import dev.pushwire.redis.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes started with {@code --broker} and {@code --registry} set to a {@code redis-cluster://}
 * URI naming one of three masters: a publication on one reaches a client of the other, either lists
 * both nodes' connections, and {@code /api/stats} names the cluster.
 */
@Timeout(120)
class NodesThroughRedisClusterTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  @Test
  void nodesShareBrokerAndRegistryThroughACluster() throws Exception {
    cluster.flushAll();
    // One server is enough: Lettuce learns the others from it.
    String uri = "redis-cluster://127.0.0.1:" + cluster.masters().get(0).port();
    try (TwoNodesThroughRedis nodes = new TwoNodesThroughRedis(uri)) {
      // The channel's master holds b's (sharded) subscription.
      RedisServerProcess master = cluster.masterOf("{news}");
      nodes.awaitSubscribedInRedis(
          () -> master.command("PUBSUB", "SHARDNUMSUB", "pushwire:ch:{news}"));
      nodes.assertShared(uri);
    }
  }
}
