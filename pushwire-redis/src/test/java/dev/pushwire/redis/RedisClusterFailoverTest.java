package dev.pushwire.redis;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The master that holds a channel is killed (SIGKILL) and its replica takes over its slots: the
 * nodes follow the cluster to the promoted replica by themselves, the subscribing node subscribes
 * on it (sharded pub/sub), and its {@code pushwire.v1} client is told that the stream started a new
 * epoch (the replica may have lacked the last publications) before it gets the new ones.
 */
class RedisClusterFailoverTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup(true);

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  void afterAFailoverDeliveryResumesOnThePromotedReplicaAndTheNewEpochIsSignalled()
      throws Exception {
    // The replica follows the first master: a channel there moves to it.
    String channel = cluster.channelOn(cluster.masters().get(0));
    ChannelMasterLoss.check(
        cluster,
        channel,
        resources,
        master -> cluster.failOverFirstMaster(DEADLINE),
        "the subscribing node subscribed on the promoted replica",
        "a stream written before the failover");
  }
}
