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
import org.junit.jupiter.api.Test;

/**
 * A channel's {@link PushEncoder} writes the same envelope text as building it from scratch for
 * each publication, although it keeps the quoted channel and epoch between publications: a new
 * epoch is quoted afresh, and odd characters survive.
 */
class PushEnvelopeTextTest {

  @Test
  void envelopeIsChannelOffsetEpochAndTheDataAsStored() {
    PushEncoder encoder = new PushEncoder("news");
    assertThat(encoder.envelope(publication(7, "0k3j5h2g9a", "{\"price\": 1.50}")))
        .isEqualTo(
            "{\"channel\":\"news\",\"offset\":7,\"epoch\":\"0k3j5h2g9a\",\"data\":{\"price\": 1.50}}");
  }

  @Test
  void eachEpochChangeIsQuotedAfresh() {
    PushEncoder encoder = new PushEncoder("news");
    assertThat(encoder.envelope(publication(1, "first", "1"))).contains("\"epoch\":\"first\"");
    assertThat(encoder.envelope(publication(1, "second", "1"))).contains("\"epoch\":\"second\"");
    assertThat(encoder.envelope(publication(2, "first", "1"))).contains("\"epoch\":\"first\"");
  }

  @Test
  void blankDataIsSentAsNull() {
    assertThat(new PushEncoder("news").envelope(publication(1, "e", " \n")))
        .endsWith(",\"data\":null}");
  }

  @Property(tries = 300)
  void matchesTheEnvelopeBuiltFromScratch(
      @ForAll("names") String channel, @ForAll("publications") List<Publication> publications) {
    PushEncoder encoder = new PushEncoder(channel);
    for (Publication p : publications) {
      assertThat(encoder.envelope(p)).isEqualTo(fromScratch(channel, p));
    }
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
