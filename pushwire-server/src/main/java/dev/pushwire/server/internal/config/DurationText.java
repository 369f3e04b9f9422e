package dev.pushwire.server.internal.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them: {@code 100ms}, {@code 1s}, {@code 5m}, {@code 1h}, {@code 2d}, or
 * a run of them such as {@code 1m30s}. A bare {@code 0} is zero; any other number needs a unit.
 */
public final class DurationText {
  /** What {@link #parse} accepts, for error messages. */
  public static final String EXPECTED = "a duration such as 100ms, 1s, 5m, 1h";

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not a duration
   */
  public static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Duration total = Duration.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 12) {
        throw new IllegalArgumentException("not a duration: " + text);
      }
      long amount = Long.parseLong(s.substring(start, i));
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      total = total.plus(unit(s.substring(unitStart, i), amount, text));
    }
    return total;
  }

  private static Duration unit(String unit, long amount, String text) {
    switch (unit) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      case "d":
        return Duration.ofDays(amount);
      default:
        throw new IllegalArgumentException("not a duration: " + text);
    }
  }

  /** Writes {@code d} the way {@link #parse} reads it, in the largest exact unit: {@code 5m}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
