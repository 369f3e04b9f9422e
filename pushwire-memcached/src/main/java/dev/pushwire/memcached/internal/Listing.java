package dev.pushwire.memcached.internal;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.spi.RecordCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Reads every node's keys through the node index, each in one multi-get: all record buckets for the
 * listing, the meta keys for the count, and one presence bucket per node for a channel.
 */
public final class Listing {
  private static final Comparator<ConnectionRecord> BY_CONNECTED_AT =
      Comparator.comparing(ConnectionRecord::connectedAt).thenComparing(ConnectionRecord::id);
  private static final Comparator<PresenceEntry> BY_SUBSCRIBED_AT =
      Comparator.comparing(PresenceEntry::subscribedAt).thenComparing(PresenceEntry::connectionId);

  private final MemcachedStore store;
  private final MemcachedKeys keys;
  private final RegistryHealth health;

  public Listing(MemcachedStore store, RegistryHealth health) {
    this.store = store;
    this.keys = store.keys();
    this.health = health;
  }

  /** Every node's records, oldest first. */
  public List<ConnectionRecord> connections() throws Exception {
    List<String> wanted = new ArrayList<>();
    store.readIndex().nodes().forEach((id, n) -> keys.addConns(wanted, id, n.buckets()));
    List<ConnectionRecord> out = new ArrayList<>();
    for (String json : getAll(wanted)) {
      out.addAll(RecordCodec.readRecords(json));
    }
    out.sort(BY_CONNECTED_AT);
    return out;
  }

  /** The sum of every node's connection count. */
  public int connectionCount() throws Exception {
    List<String> wanted = new ArrayList<>();
    store.readIndex().nodes().keySet().forEach(id -> wanted.add(keys.meta(id)));
    int n = 0;
    for (String json : getAll(wanted)) {
      n += NodeIndex.readMetaCount(json);
    }
    return n;
  }

  /** Every node's presence entries of {@code channel}, oldest first. */
  public List<PresenceEntry> presence(String channel) throws Exception {
    List<String> wanted = new ArrayList<>();
    store
        .readIndex()
        .nodes()
        .forEach(
            (id, n) -> wanted.add(keys.presence(id, MemcachedKeys.bucketOf(channel, n.buckets()))));
    List<PresenceEntry> out = new ArrayList<>();
    for (String json : getAll(wanted)) {
      out.addAll(RecordCodec.readPresence(json, channel));
    }
    out.sort(BY_SUBSCRIBED_AT);
    return out;
  }

  private Collection<String> getAll(List<String> wanted) throws Exception {
    Collection<String> values = store.getAll(wanted).values();
    if (!wanted.isEmpty()) {
      health.succeeded();
    }
    return values;
  }
}
