package dev.pushwire.bench.internal;

import org.HdrHistogram.Histogram;

/** Percentiles of a set of latencies, in milliseconds. */
public record LatencySummary(
    long count, double mean, double p50, double p90, double p99, double p999, double max) {

  /** No values. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

  /** The summary of {@code h}, whose values are nanoseconds. */
  public static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencySummary(
        h.getTotalCount(),
        h.getMean() / 1e6,
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(90) / 1e6,
        h.getValueAtPercentile(99) / 1e6,
        h.getValueAtPercentile(99.9) / 1e6,
        h.getMaxValue() / 1e6);
  }

  /** {@code p50 0.41 ms p90 ...} on one line. */
  public String line() {
    if (count == 0) {
      return "-";
    }
    return "p50 "
        + ms(p50)
        + "  p90 "
        + ms(p90)
        + "  p99 "
        + ms(p99)
        + "  p99.9 "
        + ms(p999)
        + "  max "
        + ms(max)
        + " ms";
  }

  /** A millisecond value with sensible precision. */
  public static String ms(double v) {
    if (v >= 100) {
      return String.format(java.util.Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }
}
