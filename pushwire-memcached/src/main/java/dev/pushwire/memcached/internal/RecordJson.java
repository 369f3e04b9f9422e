package dev.pushwire.memcached.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON values the Memcached registry stores: a bucket of records is an array of
 *
 * <pre>
 * {"id":"n1:7","node":"n1","conn":7,"remote":"10.0.0.5:50412","path":"/","user":"alice",
 *  "channels":["news"],"at":"2025-01-01T00:00:10Z"}
 * </pre>
 *
 * and a bucket of presence is an object from channel name to an array of
 *
 * <pre>
 * {"conn":"n1:7","user":"alice","node":"n1","at":"2025-01-01T00:00:11Z"}
 * </pre>
 *
 * Times are ISO-8601 instants, so nothing is lost; {@code user} is absent when unknown.
 */
public final class RecordJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordJson() {}

  /** {@code records} as a JSON array. */
  public static String writeRecords(Collection<ConnectionRecord> records) {
    ArrayNode a = MAPPER.createArrayNode();
    for (ConnectionRecord r : records) {
      ObjectNode o = a.addObject();
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
    }
    return a.toString();
  }

  /**
   * The records in a JSON array.
   *
   * @throws IllegalArgumentException if {@code json} is not such an array
   */
  public static List<ConnectionRecord> readRecords(String json) {
    List<ConnectionRecord> out = new ArrayList<>();
    for (JsonNode o : parse(json)) {
      List<String> channels = new ArrayList<>();
      o.path("channels").forEach(c -> channels.add(c.asText()));
      try {
        out.add(
            new ConnectionRecord(
                text(o, "id"),
                text(o, "node"),
                o.path("conn").asLong(),
                text(o, "remote"),
                text(o, "path"),
                text(o, "user"),
                channels,
                Instant.parse(text(o, "at"))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a connection record: " + o, e);
      }
    }
    return out;
  }

  /** Presence entries by channel as a JSON object. */
  public static String writePresence(Map<String, ? extends Collection<PresenceEntry>> byChannel) {
    ObjectNode root = MAPPER.createObjectNode();
    byChannel.forEach(
        (channel, entries) -> {
          ArrayNode a = root.putArray(channel);
          for (PresenceEntry e : entries) {
            ObjectNode o = a.addObject();
            o.put("conn", e.connectionId());
            if (e.user() != null) {
              o.put("user", e.user());
            }
            o.put("node", e.nodeId());
            o.put("at", e.subscribedAt().toString());
          }
        });
    return root.toString();
  }

  /**
   * The entries of {@code channel} in a presence object.
   *
   * @throws IllegalArgumentException if {@code json} is not such an object
   */
  public static List<PresenceEntry> readPresence(String json, String channel) {
    List<PresenceEntry> out = new ArrayList<>();
    for (JsonNode o : parse(json).path(channel)) {
      try {
        out.add(
            new PresenceEntry(
                text(o, "conn"), text(o, "user"), text(o, "node"), Instant.parse(text(o, "at"))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a presence entry: " + o, e);
      }
    }
    return out;
  }

  /** The connection count a node's meta value holds, {@code {"count":N}}. */
  public static String writeMeta(int count) {
    return MAPPER.createObjectNode().put("count", count).toString();
  }

  /** The count in a meta value; 0 if it has none. */
  public static int readMetaCount(String json) {
    return parse(json).path("count").asInt(0);
  }

  static JsonNode parse(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null) {
        throw new IllegalArgumentException("empty JSON value");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
