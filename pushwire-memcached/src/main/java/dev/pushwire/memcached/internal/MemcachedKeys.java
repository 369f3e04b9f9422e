package dev.pushwire.memcached.internal;

import java.util.List;

/**
 * The names of the registry's keys under one prefix (the layout is described on {@code
 * MemcachedRegistry}), and how a record id or channel picks its bucket.
 */
public final class MemcachedKeys {
  private final String prefix;

  /** Keys that all start with {@code prefix}. */
  public MemcachedKeys(String prefix) {
    this.prefix = prefix;
  }

  /** The node index. */
  public String index() {
    return prefix + "nodes";
  }

  /** Bucket {@code bucket} of node {@code nodeId}'s records. */
  public String conns(String nodeId, int bucket) {
    return prefix + "node:" + nodeId + ":conns:" + bucket;
  }

  /** Bucket {@code bucket} of node {@code nodeId}'s presence entries. */
  public String presence(String nodeId, int bucket) {
    return prefix + "node:" + nodeId + ":presence:" + bucket;
  }

  /** Node {@code nodeId}'s connection count. */
  public String meta(String nodeId) {
    return prefix + "node:" + nodeId + ":meta";
  }

  /** Appends every record bucket of node {@code nodeId} to {@code keys}. */
  public void addConns(List<String> keys, String nodeId, int buckets) {
    for (int i = 0; i < buckets; i++) {
      keys.add(conns(nodeId, i));
    }
  }

  /** The bucket of a record id or channel name; the same in every JVM (String.hashCode). */
  public static int bucketOf(String s, int buckets) {
    return Math.floorMod(s.hashCode(), buckets);
  }

  /** The node of a cluster-wide connection id {@code nodeId:connectionId}. */
  public static String nodeOf(String connectionId) {
    int i = connectionId.lastIndexOf(':');
    if (i <= 0) {
      throw new IllegalArgumentException(
          "not a cluster-wide connection id (nodeId:connectionId): " + connectionId);
    }
    return connectionId.substring(0, i);
  }
}
