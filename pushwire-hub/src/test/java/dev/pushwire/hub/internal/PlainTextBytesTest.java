package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * What a plain client receives, now unquoted from the data's bytes without Jackson, is the same as
 * before: the data decoded, a JSON string read by Jackson, the result encoded again. Escapes, lone
 * surrogates, text that only looks like a string, and bytes that are not UTF-8 included.
 */
class PlainTextBytesTest {

  @Test
  void aJsonStringArrivesUnquotedAndOtherValuesAsTheyAre() {
    assertThat(plain("\"hello\"")).isEqualTo("hello");
    assertThat(plain(" \"caf\\u00e9 \\\"x\\\" \\ud83d\\ude00\"\n")).isEqualTo("café \"x\" 😀");
    assertThat(plain("{\"a\":\"b\"}")).isEqualTo("{\"a\":\"b\"}");
    assertThat(plain("\"a\" \"b\"")).isEqualTo("\"a\" \"b\"");
    assertThat(plain("\"lone \\ud800\"")).isEqualTo("lone ?");
  }

  @Property(tries = 2000)
  void matchesJacksonOnTheDecodedText(@ForAll("jsonish") String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    assertThat(PushEnvelopeTextTest.onTheWire(PushEncoder.plain(publication(data))))
        .isEqualTo(before(data).getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void matchesJacksonOnAnyBytes(@ForAll @Size(max = 16) byte[] tail, @ForAll boolean quoted) {
    byte[] data = new byte[tail.length + 2];
    data[0] = quoted ? (byte) '"' : (byte) ' ';
    System.arraycopy(tail, 0, data, 1, tail.length);
    data[data.length - 1] = '"';
    assertThat(PushEnvelopeTextTest.onTheWire(PushEncoder.plain(publication(data))))
        .isEqualTo(before(data).getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(4),
            Arbitraries.of(
                "a",
                "é",
                "€",
                "😀",
                "\\n",
                "\\t",
                "\\/",
                "\\\\",
                "\\\"",
                "\\b",
                "\\f",
                "\\r",
                "\\u00e9",
                "\\u00E9",
                "\\u0000",
                "\\u001f",
                "\\ud800",
                "\\udc00",
                "\\ud83d\\ude00",
                "\\uD83D\\uDE00",
                "\\ud83d",
                "\\ude00",
                "\\u12",
                "\\uzzzz",
                "\\x",
                "\\",
                "\"",
                "\u0001",
                "\u007f",
                " "));
    Arbitrary<String> body = piece.list().ofMaxSize(8).map(l -> String.join("", l));
    Arbitrary<String> before = Arbitraries.of("", " ", "\n\t ", "\u000b", "\u3000", "x");
    Arbitrary<String> after = Arbitraries.of("", " ", "\r\n", "\u000b", " x", "\"");
    return Combinators.combine(before, body, after).as((b, m, a) -> b + "\"" + m + "\"" + a);
  }

  /** The plain text as the hub made it before it worked on bytes. */
  private static String before(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    if (!text.stripLeading().startsWith("\"")) {
      return text;
    }
    try {
      return Json.MAPPER.readValue(text, String.class);
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  private static String plain(String data) {
    return new String(
        PushEncoder.plain(publication(data.getBytes(StandardCharsets.UTF_8))),
        StandardCharsets.UTF_8);
  }

  private static Publication publication(byte[] data) {
    return new Publication(1, "e", data, 0);
  }
}
