package dev.pushwire.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker contract on {@link RedisBroker} through a Redis Cluster ({@code redis-cluster://...}):
 * three masters, flushed before each test, sharded pub/sub on this Redis 7.
 */
class RedisClusterBrokerContractTest extends RedisBrokerContract {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  @Override
  protected String uri() {
    return cluster.uri();
  }

  @Override
  protected void flushAll() {
    cluster.flushAll();
  }
}
