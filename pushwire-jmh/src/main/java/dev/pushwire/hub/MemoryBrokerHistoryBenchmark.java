package dev.pushwire.hub;

import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.jmh.SamplePayloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * History through the {@link MemoryBroker}, the single-node default: a publish (offset, copy of the
 * data, expiry check and append under the channel's lock) on a channel no node is subscribed to,
 * and the history read a recovering subscription makes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class MemoryBrokerHistoryBenchmark {
  private static final String CHANNEL = "room.lobby";
  // Read from a channel of its own: the publish benchmark's appends would otherwise trim the read
  // position away, and the figure would be that of the unrecoverable answer.
  private static final String READ_CHANNEL = "room.archive";
  private static final int MISSED = 10;

  /** The history bound, {@code history.size}: 100 is the hub's default. */
  @Param({"100", "1000"})
  public int historySize;

  private MemoryBroker broker;
  private PublishOptions options;
  private byte[] data;
  private HistoryOptions missed;

  @Setup
  public void setUp() {
    broker = new MemoryBroker();
    broker.start(BrokerListener.atMostOnce((channel, p) -> {}));
    options =
        PublishOptions.of(
            new HistoryPolicy(historySize, HubConfig.DEFAULT_HISTORY_TTL),
            HubConfig.DEFAULT_HISTORY_META_TTL);
    data = SamplePayloads.jsonObjectBytes(64);
    PublishResult last = null;
    for (int i = 0; i < historySize; i++) {
      broker.publish(CHANNEL, data, options);
      last = broker.publish(READ_CHANNEL, data, options).toCompletableFuture().join();
    }
    missed =
        HistoryOptions.since(
            new StreamPosition(last.offset() - MISSED, last.epoch()), HistoryOptions.NO_LIMIT);
  }

  @TearDown
  public void tearDown() {
    broker.close();
  }

  /** One publication kept in a full history. */
  @Benchmark
  public PublishResult publish() {
    return broker.publish(CHANNEL, data, options).toCompletableFuture().join();
  }

  /** A subscription recovering the last {@value #MISSED} publications it missed. */
  @Benchmark
  public HistoryResult recoverMissed() {
    return broker.history(READ_CHANNEL, missed).toCompletableFuture().join();
  }
}
