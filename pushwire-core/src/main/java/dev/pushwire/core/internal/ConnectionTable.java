package dev.pushwire.core.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's open WebSocket connections: by id, for operations from any thread, and by event loop
 * ({@link LoopShard}), for fan-out and heartbeat without locks. It also hands out connection ids
 * and counts the upgrades admitted and not yet closed, which {@code maxConnections} bounds: an
 * upgrade takes its slot before its handshake, so a burst of handshakes cannot overshoot the limit.
 */
final class ConnectionTable {
  private final int maxConnections;
  private final AtomicLong nextId = new AtomicLong(1);
  private final ConcurrentHashMap<Long, Connection> byId = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();
  private Map<EventExecutor, LoopShard> byLoop = Map.of();
  private LoopShard[] shards = new LoopShard[0];

  ConnectionTable(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Makes one shard per loop of {@code loops}; once, before any connection is added. */
  void shardBy(Iterable<? extends EventExecutor> loops) {
    Map<EventExecutor, LoopShard> map = new IdentityHashMap<>();
    List<LoopShard> list = new ArrayList<>();
    for (EventExecutor e : loops) {
      LoopShard shard = new LoopShard((EventLoop) e);
      map.put(e, shard);
      list.add(shard);
    }
    byLoop = map;
    shards = list.toArray(new LoopShard[0]);
  }

  LoopShard[] shards() {
    return shards;
  }

  /** The shard of {@code loop}; null for a loop that is not the server's. */
  LoopShard shardOf(EventExecutor loop) {
    return byLoop.get(loop);
  }

  long nextId() {
    return nextId.getAndIncrement();
  }

  /** Reserves room for one more connection; false when maxConnections are already admitted. */
  boolean reserveSlot() {
    while (true) {
      int n = slots.get();
      if (n >= maxConnections) {
        return false;
      }
      if (slots.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void releaseSlot() {
    slots.decrementAndGet();
  }

  /** {@code c} opened; on its loop. */
  void add(Connection c) {
    byId.put(c.id, c);
    c.shard.add(c);
  }

  /** {@code c} closed; on its loop. Frees its slot. */
  void remove(Connection c) {
    releaseSlot();
    byId.remove(c.id, c);
    c.shard.remove(c);
  }

  /** The connection with {@code id}, which may be closing; null if there is none. */
  Connection get(long id) {
    return byId.get(id);
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  int size() {
    return byId.size();
  }

  Set<Long> ids() {
    return Set.copyOf(byId.keySet());
  }

  Collection<Connection> all() {
    return byId.values();
  }
}
