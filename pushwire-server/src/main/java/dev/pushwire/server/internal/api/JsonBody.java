package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON object body of an HTTP API request, read strictly: it must be one JSON object with only
 * known fields, and every problem is an {@link ApiException} (400) that names it.
 */
public final class JsonBody {
  private final ObjectNode root;

  private JsonBody(ObjectNode root) {
    this.root = root;
  }

  /**
   * Parses {@code body} as an object whose fields are among {@code fields}.
   *
   * @param example a good body, quoted in the message when the body is empty or not an object
   */
  public static JsonBody parse(byte[] body, List<String> fields, String example) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : ApiJson.readTree(body);
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest("body refused: " + ApiJson.detail(e));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body is not valid JSON: " + ApiJson.detail(e));
    } catch (IOException e) {
      throw ApiException.badRequest("body cannot be read: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw ApiException.badRequest(
          "body is empty (expected a JSON object such as " + example + ")");
    }
    if (!node.isObject()) {
      throw ApiException.badRequest(
          "body must be a JSON object such as " + example + ", not " + kind(node));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw ApiException.badRequest(
            "unknown field \"" + name + "\" (expected " + String.join(", ", fields) + ")");
      }
    }
    return new JsonBody((ObjectNode) node);
  }

  /** The value of {@code field}, which must be present (JSON {@code null} counts as present). */
  public JsonNode required(String field) {
    JsonNode v = root.get(field);
    if (v == null) {
      throw ApiException.badRequest("\"" + field + "\" is missing");
    }
    return v;
  }

  /** The string {@code field}, or {@code fallback} when absent. */
  public String string(String field, String fallback) {
    JsonNode v = root.get(field);
    if (v == null) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("\"" + field + "\" must be a string, not " + kind(v));
    }
    return v.asText();
  }

  /** Whether {@code field} is present. */
  public boolean has(String field) {
    return root.has(field);
  }

  /** The kind of a JSON value, for messages: {@code a number}, {@code an array}, ... */
  public static String kind(JsonNode v) {
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isNumber()) {
      return "a number";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
