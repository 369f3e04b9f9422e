package dev.pushwire.memcached.internal;

import static dev.pushwire.memcached.internal.MemcachedKeys.bucketOf;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.spi.PresenceMaps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the registry wrote for one node: the copy it rewrites whole buckets from, and which buckets
 * changed since they were last written. Only the node itself writes its keys, so this copy is the
 * truth and Memcached only a cache of it that may lose entries.
 */
final class NodeCopy {
  final String nodeId;
  final int buckets;
  private final List<ConcurrentHashMap<String, ConnectionRecord>> records;
  // channel -> (connection id -> entry); inner maps change only inside the outer compute.
  private final ConcurrentHashMap<String, Map<String, PresenceEntry>> presence =
      new ConcurrentHashMap<>();
  final Set<Integer> dirtyConns = ConcurrentHashMap.newKeySet();
  final Set<Integer> dirtyPresence = ConcurrentHashMap.newKeySet();
  volatile boolean dirtyMeta = true; // written with the node's first flush, then on changes
  volatile boolean indexed;

  NodeCopy(String nodeId, int buckets) {
    this.nodeId = nodeId;
    this.buckets = buckets;
    List<ConcurrentHashMap<String, ConnectionRecord>> r = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      r.add(new ConcurrentHashMap<>());
    }
    this.records = List.copyOf(r);
  }

  void putRecord(ConnectionRecord r) {
    int i = bucketOf(r.id(), buckets);
    records.get(i).put(r.id(), r);
    dirtyConns.add(i);
    dirtyMeta = true;
  }

  void removeRecord(String id) {
    int i = bucketOf(id, buckets);
    records.get(i).remove(id);
    dirtyConns.add(i);
    dirtyMeta = true;
    for (String channel : presence.keySet()) {
      removePresence(channel, id);
    }
  }

  void addPresence(String channel, PresenceEntry entry) {
    PresenceMaps.put(presence, channel, entry);
    dirtyPresence.add(bucketOf(channel, buckets));
  }

  boolean removePresence(String channel, String connectionId) {
    boolean removed = PresenceMaps.remove(presence, channel, connectionId);
    if (removed) {
      dirtyPresence.add(bucketOf(channel, buckets));
    }
    return removed;
  }

  /** The records in bucket {@code i}. */
  List<ConnectionRecord> recordBucket(int i) {
    return List.copyOf(records.get(i).values());
  }

  int recordCount() {
    int n = 0;
    for (var m : records) {
      n += m.size();
    }
    return n;
  }

  /** The channels of bucket {@code j} that have entries, with their entries. */
  Map<String, List<PresenceEntry>> presenceBucket(int j) {
    Map<String, List<PresenceEntry>> out = new LinkedHashMap<>();
    presence.forEach(
        (channel, m) -> {
          if (bucketOf(channel, buckets) == j && !m.isEmpty()) {
            out.put(channel, List.copyOf(m.values()));
          }
        });
    return out;
  }

  /** The record buckets that have records. */
  Set<Integer> recordBuckets() {
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < buckets; i++) {
      if (!records.get(i).isEmpty()) {
        out.add(i);
      }
    }
    return out;
  }

  /** The presence buckets that have entries. */
  Set<Integer> presenceBuckets() {
    Set<Integer> out = new HashSet<>();
    presence.forEach(
        (channel, m) -> {
          if (!m.isEmpty()) {
            out.add(bucketOf(channel, buckets));
          }
        });
    return out;
  }

  /** The dirty marks in {@code dirty}, cleared: put them back if writing them fails. */
  static List<Integer> take(Set<Integer> dirty) {
    List<Integer> taken = new ArrayList<>(dirty);
    dirty.removeAll(taken);
    return taken;
  }
}
