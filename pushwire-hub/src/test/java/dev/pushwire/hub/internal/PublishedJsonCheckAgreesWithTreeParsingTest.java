package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#requireJson}, which walks the tokens, accepts and refuses exactly what building a
 * Jackson tree did before it, with the same messages: for hostile edge cases (numbers Jackson
 * cannot hold, limits, trailing tokens, repeated keys) and for random token soup.
 */
class PublishedJsonCheckAgreesWithTreeParsingTest {

  private static final List<String> EDGE_CASES =
      List.of(
          "",
          "   ",
          "\t\r\n",
          "null",
          "  null  ",
          "true",
          "0",
          "-0",
          "01",
          "1.",
          ".5",
          "-",
          "1.50",
          "1e5",
          "1E+5",
          "1e999999999999",
          "1e2147483648",
          "1e-2147483649",
          "100e2147483647",
          "10e-2147483648",
          "0e-2147483648",
          "9".repeat(19),
          "9".repeat(1000),
          "9".repeat(1001),
          "1." + "5".repeat(999),
          "1." + "5".repeat(1000),
          "-" + "9".repeat(1000) + "e-3",
          "NaN",
          "Infinity",
          "\"abc",
          "\"a\\qb\"",
          "\"a\u0001b\"",
          "\"\\ud800\"",
          "\"\\u12\"",
          "\uFEFF1",
          "'a'",
          "// c\n1",
          "/* c */1",
          "1 // c",
          "[1,]",
          "[1,2",
          "{\"a\":}",
          "{\"a\":1,\"a\":2}",
          "{\"a\":{\"b\":1,\"b\":2}}",
          "{\"a\":1} x",
          "{a:1}",
          "1 2",
          "[] []",
          "{} ",
          "{}\u0000",
          "\"x\" \"y\"",
          "[" + "[".repeat(998) + "]".repeat(998) + "]",
          "[".repeat(1001) + "]".repeat(1001),
          "{\"" + "k".repeat(50_001) + "\":1}",
          "\"" + "s\\n".repeat(10_000) + "\"",
          " {\"price\": 1.50, \"tags\": [\"a\"]} ");

  @Test
  void edgeCasesGetTheSameOutcome() {
    for (String json : EDGE_CASES) {
      assertThat(outcome(() -> Json.requireJson(json)))
          .as("outcome for %s", abbreviate(json))
          .isEqualTo(outcome(() -> byTree(json)));
    }
  }

  @Test
  void missingDataGetsTheSameOutcome() {
    assertThat(outcome(() -> Json.requireJson(null))).isEqualTo(outcome(() -> byTree(null)));
  }

  @Property(tries = 2000)
  void tokenSoupGetsTheSameOutcome(@ForAll("tokenSoup") String json) {
    assertThat(outcome(() -> Json.requireJson(json))).isEqualTo(outcome(() -> byTree(json)));
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\"a\"",
            "\"b\"",
            "\"\\u00e9\"",
            "\"\\x\"",
            "1",
            "-2.5e3",
            "1e99999999999",
            "12345678901234567890123",
            "true",
            "null",
            "nul",
            "/*",
            "\u0000")
        .list()
        .ofMaxSize(14)
        .map(tokens -> String.join("", tokens));
  }

  /** What the hub ran before the streaming check: the reference. */
  private static String byTree(String json) {
    if (json == null) {
      throw new HubException(ErrorCode.BAD_REQUEST, "data is missing (expected a JSON value)");
    }
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new HubException(ErrorCode.BAD_REQUEST, "data is empty (expected a JSON value)");
      }
    } catch (JsonProcessingException e) {
      throw new HubException(ErrorCode.BAD_REQUEST, "data is not valid JSON: " + Json.detail(e));
    } catch (NumberFormatException e) {
      // The tree alone threw this raw; the hub answers it as bad input.
      throw new HubException(
          ErrorCode.BAD_REQUEST,
          "data is not valid JSON: a number is out of range (its exponent is too large)");
    }
    return json.strip();
  }

  /** The returned text, or the thrown exception's class, code and message. */
  private static String outcome(Supplier<String> check) {
    try {
      return "accepted: " + check.get();
    } catch (HubException e) {
      return "refused: " + e.code() + " " + e.getMessage();
    } catch (RuntimeException e) {
      return "threw: " + e.getClass().getName() + " " + e.getMessage();
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "... (" + s.length() + " chars)";
  }
}
