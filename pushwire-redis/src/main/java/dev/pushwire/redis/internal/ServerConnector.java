package dev.pushwire.redis.internal;

import dev.pushwire.redis.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * One Redis server, reached directly or through Redis Sentinel (Lettuce's {@link RedisClient} asks
 * the sentinels for the master on every connection).
 */
final class ServerConnector extends RedisConnector {
  private final RedisClient client;

  ServerConnector(RedisConfig config, ClientResources resources) {
    super(config, resources);
    this.client = RedisClient.create(resources(), config.redisUri());
    client.setOptions(configure(ClientOptions.builder(), config).build());
  }

  @Override
  public RedisClient client() {
    return client;
  }

  @Override
  public boolean isCluster() {
    return false;
  }

  @Override
  public CommandConnection connect() {
    StatefulRedisConnection<String, byte[]> c = connecting(() -> client.connect(CODEC));
    return new CommandConnection(c, c.async());
  }

  @Override
  public StatefulRedisPubSubConnection<String, byte[]> connectPubSub() {
    return connecting(() -> client.connectPubSub(CODEC));
  }
}
