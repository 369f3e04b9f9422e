package dev.pushwire.memcached.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.spi.BackendHealth;
import dev.pushwire.memcached.MemcachedConfig;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import net.rubyeye.xmemcached.exception.MemcachedException;
import org.slf4j.Logger;

/**
 * Whether the registry's Memcached is usable, and what a failed call tells the caller: every outage
 * becomes {@link ErrorCode#UNAVAILABLE} and is recorded (and logged a few times, not once per call)
 * in a {@link BackendHealth}.
 */
public final class RegistryHealth {
  private final MemcachedConfig config;
  private final BackendHealth health;

  /**
   * @param log where outages are logged
   * @param connected whether the client has all its servers connected
   */
  public RegistryHealth(Logger log, MemcachedConfig config, BooleanSupplier connected) {
    this.config = config;
    this.health =
        new BackendHealth(
            log,
            "Memcached registry of node " + config.nodeId() + " at " + config.address(),
            config.errorLogInterval(),
            connected);
  }

  /** {@code e}, thrown trying to {@code what}, as a {@link HubException}; records an outage. */
  public HubException failure(Exception e, String what) {
    HubException h;
    if (e instanceof HubException already) {
      h = already;
    } else if (e instanceof TimeoutException) {
      h =
          new HubException(
              ErrorCode.UNAVAILABLE,
              "Memcached at "
                  + config.address()
                  + " did not answer within "
                  + config.operationTimeout().toMillis()
                  + " ms",
              e);
    } else if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      h = new HubException(ErrorCode.UNAVAILABLE, "interrupted talking to Memcached", e);
    } else if (e instanceof MemcachedException || e instanceof IOException) {
      h =
          new HubException(
              ErrorCode.UNAVAILABLE,
              "Memcached at " + config.address() + " is unreachable: " + e.getMessage(),
              e);
    } else {
      h =
          new HubException(
              ErrorCode.INTERNAL, "the Memcached registry failed to " + what + ": " + e, e);
    }
    if (h.code() == ErrorCode.UNAVAILABLE) {
      health.failed(h);
    }
    return h;
  }

  /** What a call on a closed registry fails with. */
  public static HubException closed() {
    return new HubException(ErrorCode.UNAVAILABLE, "the Memcached registry is closed");
  }

  /** Records a call that Memcached answered. */
  public void succeeded() {
    health.succeeded();
  }

  /** Records a lost connection to {@code server}. */
  public void disconnected(Object server) {
    health.disconnected(server);
  }

  /** Records a restored connection to {@code server}. */
  public void reconnected(Object server) {
    health.reconnected(server);
  }

  /** Whether every server is connected and no call failed in the last seconds. */
  public boolean isAvailable() {
    return health.isAvailable();
  }

  /** The last error, or {@code null} if there was none. */
  public String lastError() {
    return health.lastError();
  }
}
