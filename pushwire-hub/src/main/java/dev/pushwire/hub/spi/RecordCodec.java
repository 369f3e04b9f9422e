package dev.pushwire.hub.spi;

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
 * Registry records and presence entries as JSON, the form the registries store them in:
 *
 * <pre>
 * {"id":"n1:7","node":"n1","conn":7,"remote":"10.0.0.5:50412","path":"/","user":"alice",
 *  "channels":["news"],"at":"2025-01-01T00:00:10Z"}
 * {"conn":"n1:7","user":"alice","node":"n1","at":"2025-01-01T00:00:11Z"}
 * </pre>
 *
 * Redis stores each one as a value of its own; Memcached stores buckets: an array of records, and
 * an object from channel name to an array of entries. Times are ISO-8601 instants, so nothing is
 * lost; {@code user} is absent when unknown. The field order is part of the form: values already
 * stored must still be read, and a value written again must come out the same.
 */
public final class RecordCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordCodec() {}

  /** {@code r} as JSON. */
  public static String write(ConnectionRecord r) {
    return put(MAPPER.createObjectNode(), r).toString();
  }

  /** {@code e} as JSON. */
  public static String write(PresenceEntry e) {
    return put(MAPPER.createObjectNode(), e).toString();
  }

  /**
   * The record in {@code json}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static ConnectionRecord readRecord(String json) {
    return record(parseObject(json));
  }

  /**
   * The presence entry in {@code json}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static PresenceEntry readEntry(String json) {
    return entry(parseObject(json));
  }

  /** {@code records} as a JSON array. */
  public static String writeRecords(Collection<ConnectionRecord> records) {
    ArrayNode a = MAPPER.createArrayNode();
    records.forEach(r -> put(a.addObject(), r));
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
      out.add(record(o));
    }
    return out;
  }

  /** Presence entries by channel as a JSON object. */
  public static String writePresence(Map<String, ? extends Collection<PresenceEntry>> byChannel) {
    ObjectNode root = MAPPER.createObjectNode();
    byChannel.forEach(
        (channel, entries) -> {
          ArrayNode a = root.putArray(channel);
          entries.forEach(e -> put(a.addObject(), e));
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
      out.add(entry(o));
    }
    return out;
  }

  /** An empty JSON object, for a registry's own values around the records. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * The JSON value in {@code json}, of any kind.
   *
   * @throws IllegalArgumentException if it is not JSON
   */
  public static JsonNode parse(String json) {
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

  private static JsonNode parseObject(String json) {
    JsonNode o = parse(json);
    if (!o.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + json);
    }
    return o;
  }

  private static ObjectNode put(ObjectNode o, ConnectionRecord r) {
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
    return o;
  }

  private static ObjectNode put(ObjectNode o, PresenceEntry e) {
    o.put("conn", e.connectionId());
    if (e.user() != null) {
      o.put("user", e.user());
    }
    o.put("node", e.nodeId());
    o.put("at", e.subscribedAt().toString());
    return o;
  }

  private static ConnectionRecord record(JsonNode o) {
    List<String> channels = new ArrayList<>();
    o.path("channels").forEach(c -> channels.add(c.asText()));
    try {
      return new ConnectionRecord(
          text(o, "id"),
          text(o, "node"),
          o.path("conn").asLong(),
          text(o, "remote"),
          text(o, "path"),
          text(o, "user"),
          channels,
          Instant.parse(text(o, "at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a connection record: " + o, e);
    }
  }

  private static PresenceEntry entry(JsonNode o) {
    try {
      return new PresenceEntry(
          text(o, "conn"), text(o, "user"), text(o, "node"), Instant.parse(text(o, "at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a presence entry: " + o, e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
