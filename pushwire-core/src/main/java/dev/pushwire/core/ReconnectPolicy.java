package dev.pushwire.core;

import static dev.pushwire.core.internal.Checks.check;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link WebSocketClient} reconnects after a connection it did not close itself has ended:
 * exponential backoff with full jitter. Before attempt {@code n} (1 for the first attempt after a
 * loss) the client waits a random time between zero and {@code min(maxDelay, initialDelay *
 * multiplier^(n-1))}, so that many clients dropped at once do not come back in lock step. A
 * successful handshake resets the count; after {@code maxAttempts} failures in a row the client
 * gives up.
 *
 * <p>Build with {@link #newBuilder()} (reconnect on, the defaults below); {@link #DISABLED} is the
 * default of {@link ClientSettings}.
 */
public final class ReconnectPolicy {
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** Never reconnect. */
  public static final ReconnectPolicy DISABLED = newBuilder().enabled(false).build();

  private final boolean enabled;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final int maxAttempts;
  private final double multiplier;
  private final boolean jitter;

  private ReconnectPolicy(Builder b) {
    this.enabled = b.enabled;
    this.initialDelay = b.initialDelay;
    this.maxDelay = b.maxDelay;
    this.maxAttempts = b.maxAttempts;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
  }

  /** A builder holding the defaults, with reconnect on. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding this policy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether the client reconnects at all. */
  public boolean enabled() {
    return enabled;
  }

  /** The longest wait before the first attempt. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** The longest wait before any attempt. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** Failed attempts in a row after which the client gives up; 0 means never give up. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** How much the longest wait grows after each failed attempt. */
  public double multiplier() {
    return multiplier;
  }

  /** Whether each wait is drawn at random below its cap (full jitter) or equals the cap. */
  public boolean jitter() {
    return jitter;
  }

  /**
   * The wait before attempt {@code attempt} (1-based).
   *
   * @param random a number in {@code [0, 1)}; used only with {@link #jitter()}
   */
  public Duration delayBefore(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more: " + attempt);
    }
    double capNanos =
        Math.min(maxDelay.toNanos(), initialDelay.toNanos() * Math.pow(multiplier, attempt - 1.0));
    return Duration.ofNanos((long) (jitter ? capNanos * random : capNanos));
  }

  /** Whether attempt {@code attempt} (1-based) is still allowed. */
  public boolean allows(int attempt) {
    return enabled && (maxAttempts == 0 || attempt <= maxAttempts);
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "ReconnectPolicy{disabled}";
    }
    return "ReconnectPolicy{initialDelay="
        + initialDelay
        + ", maxDelay="
        + maxDelay
        + ", maxAttempts="
        + maxAttempts
        + ", multiplier="
        + multiplier
        + ", jitter="
        + jitter
        + '}';
  }

  /** Builds a {@link ReconnectPolicy}; {@link #build()} checks every value. */
  public static final class Builder {
    private boolean enabled = true;
    private Duration initialDelay = DEFAULT_INITIAL_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private int maxAttempts;
    private double multiplier = DEFAULT_MULTIPLIER;
    private boolean jitter = true;

    private Builder() {}

    private Builder(ReconnectPolicy p) {
      enabled = p.enabled;
      initialDelay = p.initialDelay;
      maxDelay = p.maxDelay;
      maxAttempts = p.maxAttempts;
      multiplier = p.multiplier;
      jitter = p.jitter;
    }

    public Builder enabled(boolean on) {
      this.enabled = on;
      return this;
    }

    public Builder initialDelay(Duration delay) {
      this.initialDelay = Objects.requireNonNull(delay, "initialDelay");
      return this;
    }

    public Builder maxDelay(Duration delay) {
      this.maxDelay = Objects.requireNonNull(delay, "maxDelay");
      return this;
    }

    /** 0 (the default) never gives up. */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    public Builder jitter(boolean on) {
      this.jitter = on;
      return this;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one.
     */
    public ReconnectPolicy build() {
      check(
          initialDelay.compareTo(Duration.ofMillis(1)) >= 0,
          "reconnect.initialDelay",
          initialDelay,
          "1 ms or more");
      check(
          maxDelay.compareTo(initialDelay) >= 0,
          "reconnect.maxDelay",
          maxDelay,
          "at least initialDelay (" + initialDelay + ")");
      check(
          maxDelay.compareTo(Duration.ofDays(1)) <= 0,
          "reconnect.maxDelay",
          maxDelay,
          "one day or less");
      check(maxAttempts >= 0, "reconnect.maxAttempts", maxAttempts, "0 (unlimited) or more");
      check(
          multiplier >= 1.0 && multiplier <= 100.0,
          "reconnect.multiplier",
          multiplier,
          "1.0-100.0");
      return new ReconnectPolicy(this);
    }
  }
}
