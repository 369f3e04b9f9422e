package dev.pushwire.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on {@link RedisBroker}, against a real Redis flushed before each test. */
class RedisBrokerContractTest extends RedisBrokerContract {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  @Override
  protected String uri() {
    return redis.uri();
  }

  @Override
  protected void flushAll() {
    redis.flushAll();
  }
}
