package dev.pushwire.redis;

import dev.pushwire.hub.Broker;
import dev.pushwire.hub.BrokerContractTest;
import dev.pushwire.hub.MutableClock;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker contract on {@link RedisBroker} reached through Redis Sentinel ({@code
 * redis-sentinel://...#pushwire}): a master, a replica and three sentinels, the master flushed
 * before each test.
 */
class RedisSentinelBrokerContractTest extends BrokerContractTest {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  private static ClientResources resources;

  @BeforeAll
  static void shareResources() {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
  }

  @AfterAll
  static void releaseResources() {
    resources.shutdown();
  }

  @Override
  protected Broker newBroker(MutableClock clock) {
    group.flushAll();
    return connect(clock);
  }

  @Override
  protected Broker loseHistory(Broker old, MutableClock clock) {
    old.close();
    group.flushAll();
    return connect(clock);
  }

  private static RedisBroker connect(MutableClock clock) {
    return RedisBroker.connect(
        RedisConfig.newBuilder(group.uri()).nodeId("a").build(), resources, clock);
  }
}
