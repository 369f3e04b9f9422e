package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.SubscribeResult;
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
 * The subscription index on one thread: delivering a publication to a channel's local subscribers,
 * and subscribe-then-unsubscribe churn, on an index that also holds {@value #OTHER_CHANNELS} other
 * channels (so the channel map is not a toy).
 *
 * <p>{@code deliver} is the broker listener's whole step per publication: map lookup, the channel's
 * monitor, encoding the {@code pushwire.v1} envelope once, and handing the live set to the server
 * (here {@link LastMessageDelivery}, which does not walk it). The set is handed over, not copied,
 * so the figure should not grow with {@link #subscribers}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChannelIndexBenchmark {
  static final int OTHER_CHANNELS = 10_000;
  private static final String CHANNEL = "room.lobby";
  private static final String SOLO_CHANNEL = "room.solo";

  /** Live {@code pushwire.v1} subscribers on the measured channel. */
  @Param({"1", "1000"})
  public int subscribers;

  private ChannelIndexFixture fixture;
  private Publication publication;
  private LocalConnection churner;

  @Setup
  public void setUp() {
    fixture = new ChannelIndexFixture();
    for (int i = 0; i < OTHER_CHANNELS; i++) {
      fixture.fill("room." + i, 1);
    }
    fixture.fill(CHANNEL, subscribers);
    publication = fixture.publishOnce(CHANNEL);
    churner = fixture.newConnection();
  }

  /** One publication from the broker to the channel's subscribers. */
  @Benchmark
  public void deliver() {
    fixture.index.onPublication(CHANNEL, publication);
  }

  /**
   * One more connection subscribes to the busy channel (history read included) and leaves again;
   * the channel keeps its other subscribers, so the broker subscription stays as it is.
   */
  @Benchmark
  public SubscribeResult churn() {
    return fixture.churn(churner, CHANNEL);
  }

  /**
   * The only subscriber of a channel subscribes and leaves: each time the index creates the
   * channel's state, subscribes the node in the broker, and on leaving unsubscribes and drops it.
   */
  @Benchmark
  public SubscribeResult churnLastSubscriber() {
    return fixture.churn(churner, SOLO_CHANNEL);
  }
}
