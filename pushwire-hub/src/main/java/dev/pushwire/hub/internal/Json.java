package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The hub's JSON settings and the few helpers it needs. */
final class Json {
  /**
   * Strict: a command with trailing text or a repeated key is rejected rather than half-read, and
   * decimals keep their precision when a client's JSON is re-written.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          // 2.50 stays 2.50, as on the HTTP API: subscribers see what was published.
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final int MAX_ERROR_DETAIL = 160;

  private Json() {}

  /**
   * Parses untrusted JSON into a tree. A number whose exponent has more digits than an int holds
   * ({@code 1e999999999999}) cannot become the BigDecimal the mapper asks for, and Jackson reports
   * that as a NumberFormatException rather than a parse error: it is turned into one here, so that
   * the caller's answer for bad input covers it too.
   */
  static JsonNode readTree(String json) throws JsonProcessingException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange();
    }
  }

  /** {@link #readTree(String)} for UTF-8 bytes. */
  static JsonNode readTree(byte[] json) throws IOException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange();
    }
  }

  private static JsonProcessingException numberOutOfRange() {
    return new JsonParseException(null, "a number is out of range (its exponent is too large)");
  }

  /** {@code s} as a JSON string literal, quotes included. */
  static String quote(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }

  /**
   * Checks that {@code json} is one JSON value and returns it without surrounding whitespace.
   *
   * @throws HubException {@link ErrorCode#BAD_REQUEST} when it is not
   */
  static String requireJson(String json) {
    if (json == null) {
      throw new HubException(ErrorCode.BAD_REQUEST, "data is missing (expected a JSON value)");
    }
    if (!isOneValue(json)) {
      // Refusals are rare, so they may parse twice: building the tree, as this check always did,
      // gives the error and its message, and settles any case the walk refuses but a tree takes.
      readOneValue(json);
    }
    return json.strip();
  }

  /**
   * Whether {@code json} is one JSON value, found by walking its tokens without building a tree:
   * that keeps the check's allocation to the parser's own. It parses every string and number that
   * building the tree would (numbers with at least the tree's precision), so it accepts nothing
   * that {@link #readOneValue} refuses; it may refuse more, and then that method decides.
   */
  private static boolean isOneValue(String json) {
    if (json.length() > MAPPER.getFactory().streamReadConstraints().getMaxStringLength()) {
      // The tree checks each string against the length limit as it makes it a String, which the
      // walk never does; input within the limit cannot hold a string beyond it.
      return false;
    }
    try (JsonParser p = MAPPER.createParser(json)) {
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case VALUE_STRING -> p.getTextLength();
          case VALUE_NUMBER_INT -> {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              p.getBigIntegerValue();
            }
          }
          case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
          default -> {}
        }
        if (depth == 0) {
          return p.nextToken() == null;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      // Not proven valid: readOneValue decides, and reports what is wrong.
      return false;
    }
  }

  /** Reads {@code json} as a tree: the reference check, with the error messages clients see. */
  private static void readOneValue(String json) {
    try {
      JsonNode node = readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new HubException(ErrorCode.BAD_REQUEST, "data is empty (expected a JSON value)");
      }
    } catch (JsonProcessingException e) {
      throw new HubException(ErrorCode.BAD_REQUEST, "data is not valid JSON: " + detail(e));
    }
  }

  /** Compact JSON text of {@code node}. */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree built from parsed input always serialises; this is a bug if it happens.
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Compact JSON of {@code node} in UTF-8: the bytes of {@link #write}, without the {@code String}.
   * Jackson's UTF-8 writer escapes a lone surrogate ({@code \\uD800}) where the text writer passes
   * it on and {@link String#getBytes} then makes it {@code ?}; such rare text takes the text way,
   * so that subscribers receive the same bytes either way.
   */
  static byte[] writeBytes(JsonNode node) {
    byte[] out;
    try {
      out = MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // A tree built from parsed input always serialises; this is a bug if it happens.
      throw new IllegalStateException("cannot write JSON", e);
    }
    for (int i = 0; i + 2 < out.length; i++) {
      if (out[i] == '\\' && out[i + 1] == 'u' && (out[i + 2] == 'D' || out[i + 2] == 'd')) {
        return write(node).getBytes(StandardCharsets.UTF_8);
      }
    }
    return out;
  }

  /** Jackson's message without the source excerpt, cut to a readable length. */
  static String detail(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException limit) {
      return HubException.limitDetail(limit, MAPPER.getFactory().streamReadConstraints());
    }
    String m = e.getOriginalMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    if (e.getLocation() != null && e.getLocation().getCharOffset() >= 0) {
      m = m + " (at character " + e.getLocation().getCharOffset() + ")";
    } else if (e.getLocation() != null && e.getLocation().getByteOffset() >= 0) {
      m = m + " (at byte " + e.getLocation().getByteOffset() + ")";
    }
    return m.length() <= MAX_ERROR_DETAIL ? m : m.substring(0, MAX_ERROR_DETAIL) + "...";
  }
}
