package dev.pushwire.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of a channel's history: it keeps at most {@code size} publications, none older than
 * {@code ttl}.
 *
 * @param size 0 or more; 0 keeps no history (recovery then only works when nothing was missed)
 * @param ttl positive
 */
public record HistoryPolicy(int size, Duration ttl) {

  public HistoryPolicy {
    Objects.requireNonNull(ttl, "ttl");
    if (size < 0) {
      throw new IllegalArgumentException("history size must be 0 or more: " + size);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("history ttl must be positive: " + ttl);
    }
  }
}
