package dev.pushwire.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker contract on {@link RedisBroker} reached through Redis Sentinel ({@code
 * redis-sentinel://...#pushwire}): a master, a replica and three sentinels, the master flushed
 * before each test.
 */
class RedisSentinelBrokerContractTest extends RedisBrokerContract {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  @Override
  protected String uri() {
    return group.uri();
  }

  @Override
  protected void flushAll() {
    group.flushAll();
  }
}
