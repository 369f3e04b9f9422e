package dev.pushwire.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * A command connection of either topology, with the commands both have ({@link
 * RedisClusterAsyncCommands}: a cluster connection routes each by its key's slot).
 */
public record CommandConnection(
    StatefulConnection<String, byte[]> connection, RedisClusterAsyncCommands<String, byte[]> async)
    implements AutoCloseable {

  /** Whether the connection is up. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public void close() {
    connection.close();
  }
}
