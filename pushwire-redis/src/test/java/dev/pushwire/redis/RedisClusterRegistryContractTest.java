package dev.pushwire.redis;

import dev.pushwire.hub.RegistryContractTest;
import dev.pushwire.hub.spi.Registry;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry contract on {@link RedisRegistry} through a Redis Cluster: nodes a and b over three
 * flushed masters (the registry's keys share one slot, so one of them holds it all).
 */
class RedisClusterRegistryContractTest extends RegistryContractTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  @Override
  protected Registry newRegistry() {
    cluster.flushAll();
    return RedisRegistry.connect(RedisConfig.newBuilder(cluster.uri()).nodeId("a").build());
  }

  @Override
  protected Registry peerOf(Registry registry) {
    return RedisRegistry.connect(RedisConfig.newBuilder(cluster.uri()).nodeId("b").build());
  }
}
