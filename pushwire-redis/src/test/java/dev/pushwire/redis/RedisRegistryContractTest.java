package dev.pushwire.redis;

import dev.pushwire.hub.RegistryContractTest;
import dev.pushwire.hub.spi.Registry;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract on {@link RedisRegistry}: nodes a and b over one flushed Redis. */
class RedisRegistryContractTest extends RegistryContractTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  @Override
  protected Registry newRegistry() {
    redis.flushAll();
    return RedisRegistry.connect(RedisConfig.newBuilder(redis.uri()).nodeId("a").build());
  }

  @Override
  protected Registry peerOf(Registry registry) {
    return RedisRegistry.connect(RedisConfig.newBuilder(redis.uri()).nodeId("b").build());
  }
}
