package dev.pushwire.redis;

import dev.pushwire.hub.RegistryContractTest;
import dev.pushwire.hub.spi.Registry;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry contract on {@link RedisRegistry} reached through Redis Sentinel: nodes a and b over
 * one flushed master with a replica and three sentinels.
 */
class RedisSentinelRegistryContractTest extends RegistryContractTest {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  @Override
  protected Registry newRegistry() {
    group.flushAll();
    return RedisRegistry.connect(RedisConfig.newBuilder(group.uri()).nodeId("a").build());
  }

  @Override
  protected Registry peerOf(Registry registry) {
    return RedisRegistry.connect(RedisConfig.newBuilder(group.uri()).nodeId("b").build());
  }
}
