package dev.pushwire.memcached.internal;

import dev.pushwire.memcached.MemcachedConfig;
import java.time.Clock;
import java.util.Set;
import java.util.function.IntFunction;
import org.slf4j.Logger;

/**
 * Keeps the keys of this registry's nodes alive: heartbeats in the node index, a longer life for
 * every key, and whatever Memcached lost (restart, eviction, expiry during an outage) written again
 * from the local copy.
 */
public final class KeepAlive {
  private final Logger log;
  private final MemcachedConfig config;
  private final Clock clock;
  private final MemcachedStore store;
  private final MemcachedKeys keys;
  private final RegistryHealth health;
  private final NodeWriter writer;

  /**
   * @param log where lost keys are reported
   */
  public KeepAlive(
      Logger log,
      MemcachedConfig config,
      Clock clock,
      MemcachedStore store,
      RegistryHealth health,
      NodeWriter writer) {
    this.log = log;
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.keys = store.keys();
    this.health = health;
    this.writer = writer;
  }

  /** On the writer thread: heartbeat, touch, and write again whatever Memcached lost. */
  public void refresh() throws Exception {
    if (writer.nodes().isEmpty()) {
      return;
    }
    try {
      long now = clock.millis();
      store.updateIndex(
          index -> {
            for (NodeCopy s : writer.nodes()) {
              index.put(s.nodeId, now, s.buckets);
            }
            index.prune(now - 2 * config.ttl().toMillis());
            return true;
          });
      for (NodeCopy s : writer.nodes()) {
        s.indexed = true;
        int lost = touch(s.recordBuckets(), s.dirtyConns, i -> keys.conns(s.nodeId, i));
        lost += touch(s.presenceBuckets(), s.dirtyPresence, j -> keys.presence(s.nodeId, j));
        if (!s.dirtyMeta && !store.touch(keys.meta(s.nodeId))) {
          s.dirtyMeta = true;
          lost++;
        }
        int rewrite = s.dirtyConns.size() + s.dirtyPresence.size() + (s.dirtyMeta ? 1 : 0);
        writer.writeDirty(s);
        if (lost > 0) {
          log.warn(
              "Memcached registry at {}: {} keys of node {} were missing (Memcached restarted or"
                  + " evicted them); wrote {} keys again, with its {} connections",
              config.address(),
              lost,
              s.nodeId,
              rewrite,
              s.recordCount());
        }
      }
      health.succeeded();
    } catch (Exception e) {
      throw health.failure(e, "refresh");
    }
  }

  /**
   * Touches the key of each of {@code buckets} not already marked in {@code dirty}; marks the ones
   * Memcached no longer has and returns how many.
   */
  private int touch(Set<Integer> buckets, Set<Integer> dirty, IntFunction<String> key)
      throws Exception {
    int lost = 0;
    for (int i : buckets) {
      if (!dirty.contains(i) && !store.touch(key.apply(i))) {
        dirty.add(i);
        lost++;
      }
    }
    return lost;
  }
}
