package dev.pushwire.core.internal;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.jmh.SamplePayloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The framing steps of one broadcast in {@link FanOut}: building the {@link SharedFrame} once per
 * publication (plain, or plain plus deflate), copying it once per event loop ({@code dispatch} with
 * several loops), and taking one message per receiving connection ({@code write}).
 *
 * <p>Every buffer taken in a measured method is released in it, so the pooled allocator sees the
 * same steady state the server does; a leak would show as a growing score and time per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SharedFrameBenchmark {

  /**
   * Payload bytes; 64 is below the default compression threshold, where the server never deflates.
   */
  @Param({"64", "1024"})
  public int payloadSize;

  // The server's allocator, so that pooling and thread caches behave as in production.
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private ByteBuf payload;
  private SharedFrame plainFrame;

  @Setup
  public void setUp() {
    // As broadcast(ids, text) hands it over: the text's UTF-8 bytes, wrapped on the heap.
    payload = Unpooled.wrappedBuffer(SamplePayloads.jsonObjectBytes(payloadSize));
    plainFrame = SharedFrame.of(alloc, false, payload, 0);
  }

  @TearDown
  public void tearDown() {
    plainFrame.release();
    payload.release();
  }

  /** One publication framed for connections without compression. */
  @Benchmark
  public void framePlain(Blackhole bh) {
    SharedFrame frame = SharedFrame.of(alloc, false, payload, 0);
    bh.consume(frame);
    frame.release();
  }

  /** One publication framed and deflated once for the shared-deflate connections. */
  @Benchmark
  public void frameCompressed(Blackhole bh) {
    SharedFrame frame =
        SharedFrame.of(alloc, false, payload, ServerSettings.DEFAULT_COMPRESSION_LEVEL);
    bh.consume(frame);
    frame.release();
  }

  /** The copy each event loop gets when the server runs more than one. */
  @Benchmark
  public void copyForLoop(Blackhole bh) {
    SharedFrame copy = plainFrame.copy(alloc);
    bh.consume(copy);
    copy.release();
  }

  /**
   * What one plain or shared-deflate receiver is written: a retained duplicate. The release stands
   * in for the one the channel does once the bytes are on the socket.
   */
  @Benchmark
  public void messageForSharedConnection(Blackhole bh) {
    Object message = plainFrame.forConnection(Connection.Deflate.NONE);
    bh.consume(message);
    ReferenceCountUtil.release(message);
  }

  /**
   * What one receiver with its own deflate context is written: a frame object over a retained
   * slice, which Netty's per-connection encoder then compresses (not measured here).
   */
  @Benchmark
  public void messageForOwnDeflateConnection(Blackhole bh) {
    Object message = plainFrame.forConnection(Connection.Deflate.OWN);
    bh.consume(message);
    ReferenceCountUtil.release(message);
  }
}
