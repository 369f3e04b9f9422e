package dev.pushwire.memcached.internal;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.spi.RecordCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntFunction;

/**
 * Writes the keys of the nodes this registry speaks for, from its local copy of them. A change
 * marks its bucket and asks for a flush; flushes are coalesced, so a burst of connections costs one
 * write per changed bucket. What could not be written stays marked for the next flush or refresh.
 */
public final class NodeWriter {
  private final int buckets;
  private final Clock clock;
  private final MemcachedStore store;
  private final MemcachedKeys keys;
  private final RegistryHealth health;
  private final RegistryThreads threads;
  private final ConcurrentHashMap<String, NodeCopy> nodes = new ConcurrentHashMap<>();
  private final Object flushLock = new Object();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private boolean flushScheduled;

  /**
   * @param buckets how many buckets a node this registry starts writing has
   */
  public NodeWriter(
      int buckets,
      Clock clock,
      MemcachedStore store,
      RegistryHealth health,
      RegistryThreads threads) {
    this.buckets = buckets;
    this.clock = clock;
    this.store = store;
    this.keys = store.keys();
    this.health = health;
    this.threads = threads;
  }

  public CompletionStage<Void> register(ConnectionRecord record) {
    copyOf(record.nodeId()).putRecord(record);
    return flush();
  }

  public CompletionStage<Void> unregister(ConnectionRecord record) {
    NodeCopy s = nodes.get(record.nodeId());
    if (s == null) {
      return CompletableFuture.completedFuture(null);
    }
    s.removeRecord(record.id());
    return flush();
  }

  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    copyOf(entry.nodeId()).addPresence(channel, entry);
    return flush();
  }

  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    NodeCopy s = nodes.get(MemcachedKeys.nodeOf(connectionId));
    if (s == null || !s.removePresence(channel, connectionId)) {
      return CompletableFuture.completedFuture(null);
    }
    return flush();
  }

  /** On the writer thread: deletes exactly node {@code nodeId}'s keys and index entry. */
  public void removeNode(String nodeId) throws Exception {
    NodeCopy mine = nodes.remove(nodeId);
    int[] count = {mine != null ? mine.buckets : buckets};
    store.updateIndex(
        index -> {
          NodeIndex.Node n = index.nodes().get(nodeId);
          if (n != null) {
            count[0] = n.buckets();
          }
          return index.remove(nodeId);
        });
    for (int i = 0; i < count[0]; i++) {
      store.delete(keys.conns(nodeId, i));
      store.delete(keys.presence(nodeId, i));
    }
    store.delete(keys.meta(nodeId));
  }

  /** The nodes this registry writes. */
  Collection<NodeCopy> nodes() {
    return nodes.values();
  }

  /** A flush that includes every change made before this call. */
  private CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (flushLock) {
      waiting.add(done);
      if (!flushScheduled) {
        flushScheduled = true;
        try {
          threads.write(this::flushNow);
        } catch (RejectedExecutionException e) {
          flushScheduled = false;
          waiting.remove(done);
          done.completeExceptionally(RegistryHealth.closed());
        }
      }
    }
    return done;
  }

  private void flushNow() {
    List<CompletableFuture<Void>> batch;
    synchronized (flushLock) {
      batch = waiting;
      waiting = new ArrayList<>();
      flushScheduled = false;
    }
    try {
      for (NodeCopy s : nodes.values()) {
        writeDirty(s);
      }
      health.succeeded();
      batch.forEach(f -> f.complete(null));
    } catch (Exception e) {
      HubException h = health.failure(e, "write records");
      batch.forEach(f -> f.completeExceptionally(h));
    }
  }

  /** On the writer thread: writes what changed for node {@code s}; leaves it marked on failure. */
  void writeDirty(NodeCopy s) throws Exception {
    writeBuckets(
        s.dirtyConns,
        i -> keys.conns(s.nodeId, i),
        i -> {
          List<ConnectionRecord> bucket = s.recordBucket(i);
          return bucket.isEmpty() ? null : RecordCodec.writeRecords(bucket);
        });
    writeBuckets(
        s.dirtyPresence,
        j -> keys.presence(s.nodeId, j),
        j -> {
          var bucket = s.presenceBucket(j);
          return bucket.isEmpty() ? null : RecordCodec.writePresence(bucket);
        });
    if (s.dirtyMeta) {
      s.dirtyMeta = false;
      try {
        store.set(keys.meta(s.nodeId), NodeIndex.writeMeta(s.recordCount()));
      } catch (Exception e) {
        s.dirtyMeta = true;
        throw e;
      }
    }
    if (!s.indexed) {
      long now = clock.millis();
      store.updateIndex(
          index -> {
            index.put(s.nodeId, now, s.buckets);
            return true;
          });
      s.indexed = true;
    }
  }

  /**
   * Writes every bucket marked in {@code dirty} ({@code null} content deletes the key); marks the
   * unwritten ones again when a write fails.
   */
  private void writeBuckets(
      Set<Integer> dirty, IntFunction<String> key, IntFunction<String> content) throws Exception {
    List<Integer> taken = NodeCopy.take(dirty);
    for (int k = 0; k < taken.size(); k++) {
      int i = taken.get(k);
      try {
        store.setOrDelete(key.apply(i), content.apply(i));
      } catch (Exception e) {
        dirty.addAll(taken.subList(k, taken.size()));
        throw e;
      }
    }
  }

  private NodeCopy copyOf(String nodeId) {
    return nodes.computeIfAbsent(nodeId, id -> new NodeCopy(id, buckets));
  }
}
