package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;

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
          .build();

  private static final int MAX_ERROR_DETAIL = 160;

  private Json() {}

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
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new HubException(ErrorCode.BAD_REQUEST, "data is empty (expected a JSON value)");
      }
    } catch (JsonProcessingException e) {
      throw new HubException(ErrorCode.BAD_REQUEST, "data is not valid JSON: " + detail(e));
    }
    return json.strip();
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

  /** Jackson's message without the source excerpt, cut to a readable length. */
  static String detail(JsonProcessingException e) {
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
