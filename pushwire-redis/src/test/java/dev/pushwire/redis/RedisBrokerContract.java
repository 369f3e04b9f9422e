package dev.pushwire.redis;

import dev.pushwire.hub.BrokerContractTest;
import dev.pushwire.hub.MutableClock;
import dev.pushwire.hub.spi.Broker;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker contract on {@link RedisBrokers#connect}, for each way of reaching Redis: a subclass
 * names the URI and empties the data behind it before each test.
 */
abstract class RedisBrokerContract extends BrokerContractTest {
  private static ClientResources resources;

  @BeforeAll
  static void shareResources() {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
  }

  @AfterAll
  static void releaseResources() {
    resources.shutdown();
  }

  /** The URI of the Redis under test. */
  protected abstract String uri();

  /** Empties it. */
  protected abstract void flushAll();

  @Override
  protected Broker newBroker(MutableClock clock) {
    flushAll();
    return connect(clock);
  }

  @Override
  protected Broker loseHistory(Broker old, MutableClock clock) {
    // What a Redis restart without persistence does to the data.
    old.close();
    flushAll();
    return connect(clock);
  }

  private Broker connect(MutableClock clock) {
    return RedisBrokers.connect(
        RedisConfig.newBuilder(uri()).nodeId("a").build(), resources, clock);
  }
}
