package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.jmh.SamplePayloads;
import java.nio.charset.StandardCharsets;
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
 * What the hub encodes once per publication and node ({@link PushEncoder}): the {@code pushwire.v1}
 * push envelope, and the plain client's text for JSON data and for text published with {@code
 * publishText} (stored as a JSON string, so it is unquoted). All are UTF-8 bytes. The envelope
 * comes from one channel's encoder, as in the hub, so the quoted channel and epoch are reused after
 * the first publication.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PushEncoderBenchmark {
  private static final String CHANNEL = "room.lobby";
  // Epochs are 10 base-36 characters (MemoryBroker.newEpoch).
  private static final String EPOCH = "0k3j5h2g9a";

  /** Bytes of publication data, as the broker keeps them. */
  @Param({"64", "1024"})
  public int payloadSize;

  private final PushEncoder encoder = new PushEncoder(CHANNEL);
  private Publication json;
  private Publication text;

  @Setup
  public void setUp() {
    long now = System.currentTimeMillis();
    json = new Publication(1_234_567, EPOCH, SamplePayloads.jsonObjectBytes(payloadSize), now);
    text =
        new Publication(
            1_234_568,
            EPOCH,
            SamplePayloads.jsonString(payloadSize).getBytes(StandardCharsets.UTF_8),
            now);
  }

  /** The push envelope that every {@code pushwire.v1} subscriber receives. */
  @Benchmark
  public byte[] envelope() {
    return encoder.envelope(json);
  }

  /**
   * The envelope as the server frames it. Since the encoder builds UTF-8 bytes, which {@code
   * broadcastText(ids, utf8)} frames as they are, this is {@link #envelope()}; it stays so that
   * figures from before, when the server encoded a string, can be set against it.
   */
  @Benchmark
  public byte[] envelopeBytes() {
    return encoder.envelope(json);
  }

  /** A plain subscriber's text for JSON object data: the data itself. */
  @Benchmark
  public byte[] plainJson() {
    return PushEncoder.plain(json);
  }

  /** A plain subscriber's text for published text: the JSON string, unquoted. */
  @Benchmark
  public byte[] plainText() {
    return PushEncoder.plain(text);
  }
}
