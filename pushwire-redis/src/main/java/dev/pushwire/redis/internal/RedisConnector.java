package dev.pushwire.redis.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.redis.RedisConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One Lettuce client set up the way the backends need it: reconnect automatically, reject commands
 * at once while disconnected, and time every command out after {@link
 * RedisConfig#commandTimeout()}, so that a Redis outage makes calls fail fast instead of queueing
 * or hanging. Shuts down the {@link ClientResources} only if it made them. {@link #of} picks the
 * topology: one server or Sentinel ({@link ServerConnector}), or Redis Cluster ({@link
 * ClusterConnector}).
 */
public abstract class RedisConnector implements AutoCloseable {
  /** Keys and topics are UTF-8 strings; values are bytes. */
  public static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /**
   * Small resources for one backend (two I/O and two computation threads) that reconnect after 50
   * ms, doubling up to {@link RedisConfig#maxReconnectDelay()}; the caller shuts them down.
   */
  public static ClientResources newResources(RedisConfig config) {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(
            Delay.exponential(
                Duration.ofMillis(50), config.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  /** The config the connector was made for. */
  protected final RedisConfig config;

  private final ClientResources resources;
  private final boolean ownsResources;

  /**
   * A connector for {@code config}; with {@code resources} {@code null} it makes (and later shuts
   * down) small resources of its own.
   */
  protected RedisConnector(RedisConfig config, ClientResources resources) {
    this.config = config;
    this.ownsResources = resources == null;
    this.resources = resources != null ? resources : newResources(config);
  }

  /** The connector for the topology {@code config} names. */
  public static RedisConnector of(RedisConfig config, ClientResources resources) {
    return config.isCluster()
        ? new ClusterConnector(config, resources)
        : new ServerConnector(config, resources);
  }

  /** The event loops and timers the client runs on (for the backends' periodic work). */
  public ClientResources resources() {
    return resources;
  }

  /** The underlying client (for connection listeners). */
  public abstract AbstractRedisClient client();

  /** Whether this is a Redis Cluster: keys and shard channels are then routed by slot. */
  public abstract boolean isCluster();

  /**
   * A command connection.
   *
   * @throws HubException with {@code UNAVAILABLE} when Redis cannot be reached
   */
  public abstract CommandConnection connect();

  /**
   * A pub/sub connection; Lettuce subscribes it again to its channels after a reconnect.
   *
   * @throws HubException with {@code UNAVAILABLE} when Redis cannot be reached
   */
  public abstract StatefulRedisPubSubConnection<String, byte[]> connectPubSub();

  /** The options both topologies share; the cluster's builder extends this one. */
  protected static <B extends ClientOptions.Builder> B configure(B builder, RedisConfig config) {
    builder
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
        .socketOptions(
            SocketOptions.builder()
                .connectTimeout(config.commandTimeout())
                .keepAlive(true)
                .build());
    return builder;
  }

  /** {@code connect}'s result, or {@code UNAVAILABLE} naming the server. */
  protected <T> T connecting(Supplier<T> connect) {
    try {
      return connect.get();
    } catch (RedisException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new HubException(
          ErrorCode.UNAVAILABLE,
          "cannot connect to Redis at " + config.address() + ": " + cause.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (ownsResources) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
