package dev.pushwire.hub.internal;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.jmh.SamplePayloads;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
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
 * One publication through the whole hub on the memory backends, up to the server: {@link
 * Hub#publish} checks the JSON, the {@link MemoryBroker} keeps it in history and hands it to the
 * subscription index, which encodes the envelope once for the channel's {@value #SUBSCRIBERS}
 * {@code pushwire.v1} subscribers. Set against {@link PushEncoderBenchmark} and {@link
 * ChannelIndexBenchmark} it shows what the steps around them cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HubPublishBenchmark {
  static final int SUBSCRIBERS = 100;
  private static final String CHANNEL = "room.lobby";

  /** Bytes of JSON published. */
  @Param({"64", "1024"})
  public int payloadSize;

  private HubImpl hub;
  private String json;

  @Setup
  public void setUp() {
    hub =
        new HubImpl(
            new LastMessageDelivery(),
            null,
            HubConfig.newBuilder().nodeId("bench").build(),
            new MemoryBroker(),
            new MemoryRegistry(),
            true,
            Clock.systemUTC());
    for (long id = 1; id <= SUBSCRIBERS; id++) {
      hub.handleOpen(
          new ConnectionInfo(
              id,
              new InetSocketAddress("127.0.0.1", 40000 + (int) id),
              "/ws",
              Map.of(),
              Map.of(),
              Hub.SUBPROTOCOL,
              "",
              Instant.now()));
      hub.subscribe(id, CHANNEL).toCompletableFuture().join();
    }
    json = SamplePayloads.jsonObject(payloadSize);
  }

  @TearDown
  public void tearDown() {
    hub.close();
  }

  /** {@code hub.publish(channel, json)} with the default history bound of 100. */
  @Benchmark
  public PublishResult publish() {
    return hub.publish(CHANNEL, json).toCompletableFuture().join();
  }
}
