package dev.pushwire.hub.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring problem (a backend that is down) at most once per interval, with the number of
 * occurrences in between, so that an outage does not log once per connection.
 */
final class ThrottledLog {
  private final Logger log;
  private final String what;
  private final long intervalNanos;
  private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledLog(Logger log, String what, Duration interval) {
    this.log = log;
    this.what = what;
    this.intervalNanos = interval.toNanos();
  }

  /** Records one occurrence of the problem. */
  void warn(Throwable error) {
    long now = System.nanoTime();
    long due = nextAt.get();
    if ((due != Long.MIN_VALUE && now - due < 0)
        || !nextAt.compareAndSet(due, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    Throwable cause = Futures.unwrap(error);
    if (skipped > 0) {
      log.warn("{} failed ({} more since the last report): {}", what, skipped, cause.toString());
    } else {
      log.warn("{} failed: {}", what, cause.toString(), cause);
    }
  }
}
