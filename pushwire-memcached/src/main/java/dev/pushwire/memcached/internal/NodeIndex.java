package dev.pushwire.memcached.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.hub.spi.RecordCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The value of the node index key: which nodes have records, with each node's last heartbeat and
 * bucket count. Stored as {@code {"n1":{"hb":1735689600000,"buckets":16},...}}. Several nodes
 * update it concurrently, each with a gets/cas loop, so a change is always applied to the latest
 * value and none is lost.
 */
public final class NodeIndex {
  private final Map<String, Node> nodes;

  /** One node's entry. */
  public record Node(long heartbeat, int buckets) {}

  private NodeIndex(Map<String, Node> nodes) {
    this.nodes = nodes;
  }

  /** An index without nodes. */
  public static NodeIndex empty() {
    return new NodeIndex(new LinkedHashMap<>());
  }

  /** The index in {@code json}; an unreadable value counts as empty (it is rebuilt by refresh). */
  public static NodeIndex parse(String json) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    if (json != null) {
      JsonNode root;
      try {
        root = RecordCodec.parse(json);
      } catch (IllegalArgumentException e) {
        return new NodeIndex(nodes);
      }
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        int buckets = e.getValue().path("buckets").asInt(0);
        if (buckets > 0) {
          nodes.put(e.getKey(), new Node(e.getValue().path("hb").asLong(0), buckets));
        }
      }
    }
    return new NodeIndex(nodes);
  }

  /** The nodes, in the order they joined. */
  public Map<String, Node> nodes() {
    return nodes;
  }

  /** Adds or updates {@code nodeId}. */
  public void put(String nodeId, long heartbeat, int buckets) {
    nodes.put(Objects.requireNonNull(nodeId), new Node(heartbeat, buckets));
  }

  /** Removes {@code nodeId}; returns whether it was there. */
  public boolean remove(String nodeId) {
    return nodes.remove(nodeId) != null;
  }

  /** Forgets nodes whose last heartbeat is before {@code cutoff}: their records expired. */
  public void prune(long cutoff) {
    nodes.values().removeIf(n -> n.heartbeat() < cutoff);
  }

  /** This index as JSON. */
  public String toJson() {
    ObjectNode root = RecordCodec.object();
    nodes.forEach(
        (id, n) -> root.putObject(id).put("hb", n.heartbeat()).put("buckets", n.buckets()));
    return root.toString();
  }

  /** The connection count a node's meta value holds, {@code {"count":N}}. */
  public static String writeMeta(int count) {
    return RecordCodec.object().put("count", count).toString();
  }

  /** The count in a meta value; 0 if it has none. */
  public static int readMetaCount(String json) {
    return RecordCodec.parse(json).path("count").asInt(0);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
