package dev.pushwire.redis.internal;

import dev.pushwire.hub.spi.BackendHealth;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.util.function.BooleanSupplier;

/**
 * Tells a backend's {@link BackendHealth} of lost and restored connections (which logs each once),
 * and runs {@code onReconnect} when one is back, until the backend is closed.
 */
public final class ConnectionHealth implements RedisConnectionStateListener {
  private final BackendHealth health;
  private final BooleanSupplier closed;
  private final Runnable onReconnect;

  /** For {@code health}; {@code closed} says when to stop. */
  public ConnectionHealth(BackendHealth health, BooleanSupplier closed, Runnable onReconnect) {
    this.health = health;
    this.closed = closed;
    this.onReconnect = onReconnect;
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
    if (!closed.getAsBoolean()) {
      health.reconnected(connection);
      onReconnect.run();
    }
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
    if (!closed.getAsBoolean()) {
      health.disconnected(connection);
    }
  }
}
