package dev.pushwire.redis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Registry records and presence entries as JSON, the form they are stored in:
 *
 * <pre>
 * {"id":"n1:7","node":"n1","conn":7,"remote":"10.0.0.5:50412","path":"/","user":"alice",
 *  "channels":["news"],"at":"2025-01-01T00:00:10Z"}
 * {"conn":"n1:7","user":"alice","node":"n1","at":"2025-01-01T00:00:11Z"}
 * </pre>
 *
 * Times are ISO-8601 instants, so nothing is lost; {@code user} is absent when unknown.
 */
public final class RecordJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordJson() {}

  /** {@code r} as JSON. */
  public static String write(ConnectionRecord r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", r.id());
    o.put("node", r.nodeId());
    o.put("conn", r.connectionId());
    o.put("remote", r.remoteAddress());
    o.put("path", r.path());
    if (r.user() != null) {
      o.put("user", r.user());
    }
    ArrayNode channels = o.putArray("channels");
    r.channels().forEach(channels::add);
    o.put("at", r.connectedAt().toString());
    return o.toString();
  }

  /** {@code e} as JSON. */
  public static String write(PresenceEntry e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("conn", e.connectionId());
    if (e.user() != null) {
      o.put("user", e.user());
    }
    o.put("node", e.nodeId());
    o.put("at", e.subscribedAt().toString());
    return o.toString();
  }

  /**
   * The record in {@code json}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static ConnectionRecord readRecord(String json) {
    JsonNode o = parse(json);
    List<String> channels = new ArrayList<>();
    o.path("channels").forEach(c -> channels.add(c.asText()));
    try {
      return new ConnectionRecord(
          text(o, "id"),
          text(o, "node"),
          o.path("conn").asLong(),
          text(o, "remote"),
          text(o, "path"),
          o.hasNonNull("user") ? o.get("user").asText() : null,
          channels,
          Instant.parse(text(o, "at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a connection record: " + json, e);
    }
  }

  /**
   * The presence entry in {@code json}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static PresenceEntry readEntry(String json) {
    JsonNode o = parse(json);
    try {
      return new PresenceEntry(
          text(o, "conn"),
          o.hasNonNull("user") ? o.get("user").asText() : null,
          text(o, "node"),
          Instant.parse(text(o, "at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a presence entry: " + json, e);
    }
  }

  /** A JSON object from string fields to string values, for the restore operation. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode o = MAPPER.readTree(json);
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException("not a JSON object: " + json);
      }
      return o;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
