package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#writeBytes} gives the bytes of the JSON text the hub wrote before ({@link
 * Json#write}, then UTF-8), lone surrogates and decimals included.
 */
class JsonBytesTest {

  @Property(tries = 1000)
  void sameBytesAsTheText(@ForAll String text, @ForAll String key, @ForAll long n) {
    ArrayNode tree = Json.MAPPER.createArrayNode();
    tree.add(text).add(n).add(new BigDecimal("2.50")).addObject().put(key, text);
    assertThat(Json.writeBytes(tree)).isEqualTo(Json.write(tree).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void loneSurrogatesBecomeQuestionMarksAsInTheText() throws Exception {
    JsonNode tree = Json.readTree("[\"\\ud800\",\"a\\udc00\\ud83d\\ude00\"]");
    assertThat(new String(Json.writeBytes(tree), StandardCharsets.UTF_8))
        .isEqualTo("[\"?\",\"a?\uD83D\uDE00\"]");
  }
}
