package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * A channel's {@link PushEncoder} writes the same envelope as building it from scratch as a string
 * for each publication and encoding that to UTF-8 (as the hub did before it built bytes), although
 * it keeps the quoted channel and epoch between publications: a new epoch is quoted afresh, and odd
 * characters survive. Data that is not UTF-8 ends up as the same bytes once the server's fallback
 * has decoded it ({@link ServerDelivery}).
 */
class PushEnvelopeTextTest {

  @Test
  void envelopeIsChannelOffsetEpochAndTheDataAsStored() {
    PushEncoder encoder = new PushEncoder("news");
    assertThat(text(encoder.envelope(publication(7, "0k3j5h2g9a", "{\"price\": 1.50}"))))
        .isEqualTo(
            "{\"channel\":\"news\",\"offset\":7,\"epoch\":\"0k3j5h2g9a\",\"data\":{\"price\": 1.50}}");
  }

  @Test
  void eachEpochChangeIsQuotedAfresh() {
    PushEncoder encoder = new PushEncoder("news");
    assertThat(text(encoder.envelope(publication(1, "first", "1"))))
        .contains("\"epoch\":\"first\"");
    assertThat(text(encoder.envelope(publication(1, "second", "1"))))
        .contains("\"epoch\":\"second\"");
    assertThat(text(encoder.envelope(publication(2, "first", "1"))))
        .contains("\"epoch\":\"first\"");
  }

  @Test
  void blankDataIsSentAsNull() {
    assertThat(text(new PushEncoder("news").envelope(publication(1, "e", " \n"))))
        .endsWith(",\"data\":null}");
  }

  @Property(tries = 300)
  void matchesTheEnvelopeBuiltFromScratch(
      @ForAll("names") String channel, @ForAll("publications") List<Publication> publications) {
    PushEncoder encoder = new PushEncoder(channel);
    for (Publication p : publications) {
      assertThat(onTheWire(encoder.envelope(p)))
          .isEqualTo(fromScratch(channel, p).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 300)
  void matchesTheEnvelopeBuiltFromScratchForAnyBytes(
      @ForAll("names") String channel,
      @ForAll @Size(max = 4) List<@Size(max = 12) byte[]> datas,
      @ForAll @LongRange(min = 1) long offset) {
    PushEncoder encoder = new PushEncoder(channel);
    for (byte[] data : datas) {
      Publication p = new Publication(offset, "0k3j5h2g9a", data, 0);
      assertThat(onTheWire(encoder.envelope(p)))
          .isEqualTo(fromScratch(channel, p).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void offsetsOfEveryLengthAreWrittenInFull() {
    PushEncoder encoder = new PushEncoder("n");
    for (long offset = 1; offset > 0 && offset <= Long.MAX_VALUE / 10 * 10; offset *= 10) {
      for (long o : new long[] {Math.max(1, offset - 1), offset, offset + 1}) {
        Publication p = new Publication(o, "e", new byte[] {'1'}, 0);
        assertThat(text(encoder.envelope(p))).isEqualTo(fromScratch("n", p));
      }
    }
    Publication max = new Publication(Long.MAX_VALUE, "e", new byte[] {'1'}, 0);
    assertThat(text(encoder.envelope(max))).isEqualTo(fromScratch("n", max));
  }

  /** What the server sends for {@code utf8}: the bytes, or what decoding made of them. */
  static byte[] onTheWire(byte[] utf8) {
    return JsonStringDecoder.isUtf8(utf8, 0, utf8.length)
        ? utf8
        : new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
  }

  @Provide
  Arbitrary<List<Publication>> publications() {
    Arbitrary<String> epochs = Arbitraries.of("0k3j5h2g9a", "0000000001", "é\"\\\u0001x");
    Arbitrary<String> data =
        Arbitraries.oneOf(
            Arbitraries.of("", " ", "null", "{\"a\":[1,2]}", "\"ü € 😀\"", " 42 "),
            Arbitraries.strings().ofMaxLength(40));
    Arbitrary<Publication> one =
        Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), epochs, data)
            .as((offset, epoch, text) -> publication(offset, epoch, text));
    return one.list().ofMinSize(1).ofMaxSize(6);
  }

  /** The envelope as the hub first wrote it, quoting everything for each publication. */
  private static String fromScratch(String channel, Publication p) {
    String data = new String(p.data(), StandardCharsets.UTF_8);
    if (data.isBlank()) {
      data = "null";
    }
    return "{\"channel\":"
        + quote(channel)
        + ",\"offset\":"
        + p.offset()
        + ",\"epoch\":"
        + quote(p.epoch())
        + ",\"data\":"
        + data
        + "}";
  }

  private static String quote(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }

  private static Publication publication(long offset, String epoch, String data) {
    return new Publication(offset, epoch, data.getBytes(StandardCharsets.UTF_8), 0);
  }
}
