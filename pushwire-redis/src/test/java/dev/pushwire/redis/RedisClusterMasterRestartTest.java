package dev.pushwire.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The master that holds a channel is killed (SIGKILL) and started again without its data, in a
 * cluster without replicas: publishing works again by itself, the subscribing node subscribes again
 * on that master (sharded pub/sub), and its {@code pushwire.v1} client is told that the stream
 * started over before it gets the new epoch's publications, never silently.
 */
class RedisClusterMasterRestartTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  void afterTheChannelsMasterRestartsEmptyDeliveryResumesAndTheNewEpochIsSignalled()
      throws Exception {
    cluster.flushAll();
    ChannelMasterLoss.check(
        cluster,
        "news",
        resources,
        master -> {
          master.kill();
          master.start();
          cluster.awaitReady();
          return master;
        },
        "the subscribing node subscribed again on the restarted master",
        "the restarted master lost the stream");
  }
}
