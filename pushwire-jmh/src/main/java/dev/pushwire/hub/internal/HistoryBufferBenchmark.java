package dev.pushwire.hub.internal;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.Publication;
import dev.pushwire.jmh.SamplePayloads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One channel's {@link HistoryBuffer} at its bound: appending (which trims the oldest by count) and
 * reading what a reconnecting client missed. The broker's lock, clock and copies around it are
 * measured by {@code MemoryBrokerHistoryBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HistoryBufferBenchmark {
  private static final String EPOCH = "0k3j5h2g9a";
  private static final int MISSED = 10;

  /** The history bound, {@code history.size}: 100 is the hub's default. */
  @Param({"100", "1000"})
  public int historySize;

  private HistoryBuffer appended;
  private HistoryBuffer full;
  private Publication[] incoming;
  private int next;
  private long top;

  @Setup
  public void setUp() {
    byte[] data = SamplePayloads.jsonObjectBytes(64);
    long now = System.currentTimeMillis();
    // Made up front: a publication's construction is the broker's cost, not the buffer's.
    incoming = new Publication[historySize * 2];
    for (int i = 0; i < incoming.length; i++) {
      incoming[i] = new Publication(i + 1, EPOCH, data, now);
    }
    appended = new HistoryBuffer();
    full = new HistoryBuffer();
    for (int i = 0; i < historySize; i++) {
      appended.append(incoming[i], historySize);
      full.append(incoming[i], historySize);
    }
    top = historySize;
    next = historySize;
  }

  /** One publication appended to a full history: the oldest is dropped first. */
  @Benchmark
  public int append() {
    // The offsets wrap around here, which the buffer does not look at when appending.
    appended.append(incoming[next], historySize);
    if (++next == incoming.length) {
      next = 0;
    }
    return appended.size();
  }

  /** A client that missed the last {@value #MISSED} publications recovers them. */
  @Benchmark
  public List<Publication> recoverMissed() {
    return full.after(top - MISSED, HistoryOptions.NO_LIMIT);
  }

  /** A client that was away for the whole history recovers all of it. */
  @Benchmark
  public List<Publication> recoverAll() {
    return full.after(top - historySize, HistoryOptions.NO_LIMIT);
  }
}
