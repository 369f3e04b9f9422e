package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.hub.HubException;
import java.io.IOException;

/** The HTTP API's JSON: one strict mapper, and responses built from trees. */
public final class ApiJson {
  /**
   * Strict like the hub's: a body with trailing text or a repeated key is rejected rather than
   * half-read, and decimals keep their precision on the way to subscribers.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final int MAX_DETAIL = 160;

  private ApiJson() {}

  /**
   * Parses untrusted JSON into a tree. A number whose exponent has more digits than an int holds
   * ({@code 1e999999999999}) cannot become the BigDecimal the mapper asks for, and Jackson reports
   * that as a NumberFormatException rather than a parse error: it is turned into one here.
   */
  public static JsonNode readTree(byte[] json) throws IOException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange();
    }
  }

  /** {@link #readTree(byte[])} for text. */
  public static JsonNode readTree(String json) throws JsonProcessingException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange();
    }
  }

  private static JsonProcessingException numberOutOfRange() {
    return new JsonParseException(null, "a number is out of range (its exponent is too large)");
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of parsed input and plain values always serialises; this is a bug if it happens.
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** A JSON response with {@code status} and {@code body}. */
  public static HttpResponse response(int status, JsonNode body) {
    return HttpResponse.json(status, write(body) + "\n");
  }

  /** {@code {"error":{"code":...,"message":...}}} with {@code e}'s status. */
  public static HttpResponse error(ApiException e) {
    return response(e.status(), errorBody(e.code(), e.getMessage()));
  }

  /** {@code {"error":{"code":...,"message":...}}}. */
  public static ObjectNode errorBody(String code, String message) {
    ObjectNode body = object();
    body.putObject("error").put("code", code).put("message", message);
    return body;
  }

  /** Jackson's message without the source excerpt, with where it went wrong, cut to size. */
  public static String detail(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException limit) {
      return HubException.limitDetail(limit, MAPPER.getFactory().streamReadConstraints());
    }
    String m = e.getOriginalMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      m =
          m
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")";
    }
    return m.length() <= MAX_DETAIL ? m : m.substring(0, MAX_DETAIL) + "...";
  }
}
