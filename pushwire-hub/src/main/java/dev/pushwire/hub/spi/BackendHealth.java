package dev.pushwire.hub.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Whether a backend is usable, its last error, and the logging of an outage: the first failure is
 * logged at once, further ones at most once per interval with a count, and the recovery once. So an
 * outage logs a few lines, not one per connection or publication.
 *
 * <p>For {@link Broker} and {@link Registry} implementations that talk to a server (the Redis and
 * Memcached backends share it); it backs their {@code isAvailable()} and {@code lastError()}.
 */
public final class BackendHealth {
  /** How long after a failed call the backend counts as unavailable, even if connected. */
  private static final long FAILURE_WINDOW_NANOS = Duration.ofSeconds(5).toNanos();

  private final Logger log;
  private final String backend;
  private final long intervalNanos;
  private final BooleanSupplier connected;
  private final AtomicLong suppressed = new AtomicLong();
  private final Set<Object> down = new HashSet<>();
  private volatile boolean failing;
  private volatile long failingSince;
  private volatile long lastFailureAt;
  private volatile long nextLogAt;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /**
   * @param backend what the log lines name, for example {@code "Redis broker at redis://h:6379"}
   * @param connected whether the client currently has its connections up
   */
  public BackendHealth(
      Logger log, String backend, Duration logInterval, BooleanSupplier connected) {
    this.log = log;
    this.backend = backend;
    this.intervalNanos = logInterval.toNanos();
    this.connected = connected;
  }

  /** Records a failed call; logs it unless it logged one within the interval. */
  public void failed(Throwable error) {
    long now = System.nanoTime();
    lastError = String.valueOf(error.getMessage());
    lastErrorAt = Instant.now();
    lastFailureAt = now;
    boolean first;
    synchronized (this) {
      first = !failing;
      if (first) {
        failing = true;
        failingSince = now;
        suppressed.set(0);
        nextLogAt = now + intervalNanos;
      } else if (now - nextLogAt < 0) {
        suppressed.incrementAndGet();
        return;
      } else {
        nextLogAt = now + intervalNanos;
      }
    }
    if (first) {
      log.warn("{} is unavailable: {}", backend, lastError);
    } else {
      log.warn(
          "{} is still unavailable ({} more failures since the last report): {}",
          backend,
          suppressed.getAndSet(0),
          lastError);
    }
  }

  /** Records a successful call; logs the recovery if the backend was failing. */
  public void succeeded() {
    if (!failing) {
      return;
    }
    long since;
    synchronized (this) {
      if (!failing) {
        return;
      }
      failing = false;
      since = failingSince;
    }
    log.info("{} is available again after {} ms", backend, (System.nanoTime() - since) / 1_000_000);
  }

  /** Connection {@code handle} went down; logs it when it is the first one down. */
  public void disconnected(Object handle) {
    boolean first;
    synchronized (down) {
      first = down.isEmpty() && down.add(handle);
      if (!first) {
        down.add(handle);
      }
    }
    if (first) {
      lastError = "connection lost";
      lastErrorAt = Instant.now();
      log.warn("{}: connection lost, reconnecting", backend);
    }
  }

  /** Connection {@code handle} is up again; logs it when it was the last one down. */
  public void reconnected(Object handle) {
    boolean last;
    synchronized (down) {
      last = down.remove(handle) && down.isEmpty();
    }
    if (last) {
      log.info("{}: connection restored", backend);
    }
  }

  /** Whether calls can be expected to succeed: connected, and no call failed just now. */
  public boolean isAvailable() {
    if (!connected.getAsBoolean()) {
      return false;
    }
    return !failing || System.nanoTime() - lastFailureAt > FAILURE_WINDOW_NANOS;
  }

  /** The last error, or {@code null} if there was none. */
  public String lastError() {
    return lastError;
  }

  /** When the last error happened, or {@code null}. */
  public Instant lastErrorAt() {
    return lastErrorAt;
  }
}
