package dev.pushwire.bench.internal;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in nanoseconds, recorded wait-free from any thread (HdrHistogram's {@link Recorder}),
 * read as one-second intervals for the progress line and summed into a total once the warm-up is
 * over. Resolution 1 µs up to an hour, three significant digits.
 */
public final class LatencyRecorder {
  private static final long LOWEST = 1_000;
  private static final long HIGHEST = 3_600_000_000_000L;

  private final Recorder recorder = new Recorder(LOWEST, HIGHEST, 3);
  private final Histogram total = new Histogram(LOWEST, HIGHEST, 3);
  private Histogram interval;
  private boolean measuring;

  /** Records one latency; values out of range are clamped. */
  public void record(long nanos) {
    recorder.recordValue(Math.max(LOWEST, Math.min(HIGHEST, nanos)));
  }

  /**
   * Ends the current interval: returns what was recorded since the last call, and adds it to the
   * total when measuring. Call from one thread only.
   */
  public synchronized LatencySummary interval() {
    interval = recorder.getIntervalHistogram(interval);
    if (measuring) {
      total.add(interval);
    }
    return LatencySummary.of(interval);
  }

  /** Discards what was recorded so far (the warm-up) and starts adding intervals to the total. */
  public synchronized void startMeasuring() {
    interval = recorder.getIntervalHistogram(interval);
    measuring = true;
  }

  /** The total since {@link #startMeasuring()}, including the current interval. */
  public synchronized LatencySummary total() {
    interval();
    return LatencySummary.of(total);
  }
}
