package dev.pushwire.hub;

import dev.pushwire.hub.spi.PresenceMaps;
import dev.pushwire.hub.spi.Registry;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A single-node {@link Registry} in memory. Thread-safe without a global lock; every stage it
 * returns is already complete. Records never expire, so {@link #refresh()} does nothing. Several
 * hubs in one JVM may share one instance, each seeing the others' records, as nodes sharing a
 * networked registry would.
 */
public final class MemoryRegistry implements Registry {
  private static final Comparator<ConnectionRecord> BY_CONNECTED_AT =
      Comparator.comparing(ConnectionRecord::connectedAt).thenComparing(ConnectionRecord::id);
  private static final Comparator<PresenceEntry> BY_SUBSCRIBED_AT =
      Comparator.comparing(PresenceEntry::subscribedAt).thenComparing(PresenceEntry::connectionId);

  private final ConcurrentHashMap<String, ConnectionRecord> connections = new ConcurrentHashMap<>();

  // channel -> (connection id -> entry). Inner maps are created and dropped only inside the outer
  // map's compute, so an entry is never added to a map that was just unlinked.
  private final ConcurrentHashMap<String, Map<String, PresenceEntry>> presence =
      new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    connections.put(record.id(), record);
    return done();
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    ConnectionRecord stored = connections.remove(record.id());
    Set<String> channels = new HashSet<>(record.channels());
    if (stored != null) {
      channels.addAll(stored.channels());
    }
    for (String channel : channels) {
      removePresence(channel, record.id());
    }
    return done();
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    Objects.requireNonNull(entry, "entry");
    PresenceMaps.put(presence, channel, entry);
    return done();
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    Objects.requireNonNull(connectionId, "connectionId");
    PresenceMaps.remove(presence, channel, connectionId);
    return done();
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    Map<String, PresenceEntry> m = presence.get(channel);
    List<PresenceEntry> list =
        m == null ? List.of() : m.values().stream().sorted(BY_SUBSCRIBED_AT).toList();
    return CompletableFuture.completedFuture(list);
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    Map<String, PresenceEntry> m = presence.get(channel);
    if (m == null) {
      return CompletableFuture.completedFuture(new PresenceStats(0, 0));
    }
    return CompletableFuture.completedFuture(PresenceStats.of(List.copyOf(m.values())));
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return CompletableFuture.completedFuture(
        connections.values().stream().sorted(BY_CONNECTED_AT).toList());
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return CompletableFuture.completedFuture(connections.size());
  }

  @Override
  public CompletionStage<Void> refresh() {
    // Deliberately empty: memory records live exactly as long as this object.
    return done();
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    connections.values().removeIf(r -> r.nodeId().equals(nodeId));
    for (String channel : presence.keySet()) {
      presence.computeIfPresent(
          channel,
          (k, m) -> {
            m.values().removeIf(e -> e.nodeId().equals(nodeId));
            return m.isEmpty() ? null : m;
          });
    }
    return done();
  }

  @Override
  public void close() {
    connections.clear();
    presence.clear();
  }

  @Override
  public String toString() {
    return "MemoryRegistry{connections="
        + connections.size()
        + ", channels="
        + presence.size()
        + '}';
  }

  private static CompletionStage<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
