package dev.pushwire.hub.internal;

/**
 * A token bucket for one connection's commands: holds up to {@code burst} tokens, refills at {@code
 * rate} tokens per second, and each command takes one. Not thread-safe: a connection's commands all
 * arrive on its event loop.
 */
final class TokenBucket {
  private final double ratePerMilli;
  private final double burst;
  private double tokens;
  private long lastMillis;

  /** A full bucket of {@code burst} tokens refilled at {@code ratePerSecond}. */
  TokenBucket(double ratePerSecond, int burst, long nowMillis) {
    this.ratePerMilli = ratePerSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.lastMillis = nowMillis;
  }

  /** Takes a token if there is one at {@code nowMillis}. */
  boolean tryTake(long nowMillis) {
    long elapsed = Math.max(0, nowMillis - lastMillis); // the wall clock may step back
    lastMillis = Math.max(lastMillis, nowMillis);
    tokens = Math.min(burst, tokens + elapsed * ratePerMilli);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
