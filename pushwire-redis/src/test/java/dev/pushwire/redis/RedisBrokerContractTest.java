package dev.pushwire.redis;

import dev.pushwire.hub.Broker;
import dev.pushwire.hub.BrokerContractTest;
import dev.pushwire.hub.MutableClock;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on {@link RedisBroker}, against a real Redis flushed before each test. */
class RedisBrokerContractTest extends BrokerContractTest {
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

  @Override
  protected Broker newBroker(MutableClock clock) {
    redis.flushAll();
    return connect(clock);
  }

  @Override
  protected Broker loseHistory(Broker old, MutableClock clock) {
    // What a Redis restart without persistence does to the data.
    old.close();
    redis.flushAll();
    return connect(clock);
  }

  private static RedisBroker connect(MutableClock clock) {
    return RedisBroker.connect(
        RedisConfig.newBuilder(redis.uri()).nodeId("a").build(), resources, clock);
  }
}
