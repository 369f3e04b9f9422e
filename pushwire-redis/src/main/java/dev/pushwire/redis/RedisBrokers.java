package dev.pushwire.redis;

import dev.pushwire.hub.HubException;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.util.Objects;

/** Connects the broker a {@link RedisConfig} asks for: one Redis, or several shards. */
public final class RedisBrokers {
  private RedisBrokers() {}

  /**
   * A {@link RedisBroker} for one Redis (server, Sentinel master or Cluster), or a {@link
   * ShardedRedisBroker} when the URI lists several, with resources of their own and the system
   * clock.
   *
   * @throws HubException with {@code UNAVAILABLE} if Redis (any shard) cannot be reached
   */
  public static NodeLinkedBroker connect(RedisConfig config) {
    return connect(config, null, Clock.systemUTC());
  }

  /**
   * As {@link #connect(RedisConfig)}, with {@code resources} shared by every shard ({@code null}:
   * made, and shut down on close) and {@code clock} for publication times.
   */
  public static NodeLinkedBroker connect(
      RedisConfig config, ClientResources resources, Clock clock) {
    Objects.requireNonNull(config, "config");
    return config.isSharded()
        ? ShardedRedisBroker.connect(config, resources, clock)
        : RedisBroker.connect(config, resources, clock);
  }
}
