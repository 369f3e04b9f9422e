package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.SubscribeResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The subscription index under two threads, against {@link ChannelIndexBenchmark}'s one-thread
 * figures. With no global lock, two threads on different channels each take about as long per
 * operation as one thread alone; two threads on the same channel serialise on its monitor, which is
 * what keeps that channel's deliveries in order.
 *
 * <p>Needs two free cores to mean anything: on a busier machine both threaded figures rise.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChannelIndexContentionBenchmark {
  static final int SUBSCRIBERS = 1000;
  private static final String SHARED_CHANNEL = "room.shared";

  private final AtomicInteger threadsSeen = new AtomicInteger();
  private ChannelIndexFixture fixture;
  private Publication sharedPublication;

  @Setup
  public void setUp() {
    fixture = new ChannelIndexFixture();
    fixture.fill(SHARED_CHANNEL, SUBSCRIBERS);
    sharedPublication = fixture.publishOnce(SHARED_CHANNEL);
  }

  /** One benchmark thread's own busy channel, and a connection of its own to churn with. */
  @State(Scope.Thread)
  public static class OwnChannel {
    String channel;
    Publication publication;
    LocalConnection churner;

    @Setup
    public void setUp(ChannelIndexContentionBenchmark b) {
      channel = "room.thread-" + b.threadsSeen.getAndIncrement();
      b.fixture.fill(channel, SUBSCRIBERS);
      publication = b.fixture.publishOnce(channel);
      churner = b.fixture.newConnection();
    }
  }

  /** Two threads, each delivering to its own channel: nothing shared but the channel map. */
  @Benchmark
  @Threads(2)
  public void deliverDistinctChannels(OwnChannel own) {
    fixture.index.onPublication(own.channel, own.publication);
  }

  /** Two threads delivering to one channel: they take turns on its monitor, by design. */
  @Benchmark
  @Threads(2)
  public void deliverSameChannel() {
    fixture.index.onPublication(SHARED_CHANNEL, sharedPublication);
  }

  /** One thread delivers to its channel while another churns subscriptions on a different one. */
  @Benchmark
  @Group("deliverWhileChurning")
  @GroupThreads(1)
  public void deliver(OwnChannel own) {
    fixture.index.onPublication(own.channel, own.publication);
  }

  /** The churning half of {@code deliverWhileChurning}. */
  @Benchmark
  @Group("deliverWhileChurning")
  @GroupThreads(1)
  public SubscribeResult churn(OwnChannel own) {
    return fixture.churn(own.churner, own.channel);
  }
}
