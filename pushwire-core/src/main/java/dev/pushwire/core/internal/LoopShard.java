package dev.pushwire.core.internal;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The connections that live on one event loop. Only that loop touches the list, so fan-out to them
 * needs no lock: a broadcast sends one task to each shard's loop.
 */
final class LoopShard {
  final EventLoop loop;
  private final ArrayList<Connection> connections = new ArrayList<>();
  private final ArrayList<Connection> pendingRemovals = new ArrayList<>();
  private boolean iterating;
  private final ArrayList<Connection> written = new ArrayList<>();
  private boolean flushScheduled;
  private final Runnable flushTask = this::flushWritten;

  /**
   * The connections on this loop plus the upgrades whose 101 is being written; other threads read
   * it to skip a loop with nobody to broadcast to. An upgrade counts from before its 101 is
   * written, so a broadcast made after a client has read its 101 never skips that client's loop,
   * even when the loop has not yet run the code that adds the connection to the list (a busy
   * machine can pause the loop thread right after the write). Written by the loop only.
   */
  private volatile int reachable;

  /**
   * The source of the broadcasts made on this loop right now: set while a connection's message or
   * an HTTP request is handled, so that what it broadcasts paces it (see {@link FanOutSource}).
   */
  FanOutSource.Owner current;

  /** Connections that fell behind, for the slow-consumer check. */
  private final ArrayList<Connection> behind = new ArrayList<>();

  private boolean checkScheduled;

  LoopShard(EventLoop loop) {
    this.loop = loop;
  }

  /** An upgrade on this loop is about to write its 101; on the loop. */
  void upgradeStarted() {
    assert loop.inEventLoop();
    reachable++;
  }

  /** An upgrade counted by {@link #upgradeStarted()} failed before its connection opened. */
  void upgradeFailed() {
    assert loop.inEventLoop();
    reachable--;
  }

  /** How many connections are open here or being opened (read from any thread). */
  int reachableCount() {
    return reachable;
  }

  /** {@code c}, whose upgrade was counted by {@link #upgradeStarted()}, opened. */
  void add(Connection c) {
    assert loop.inEventLoop();
    c.shardIndex = connections.size();
    connections.add(c);
  }

  void remove(Connection c) {
    assert loop.inEventLoop();
    if (iterating) {
      // A listener or a failed write closed a connection while we walk the list: removing now
      // would shift elements under the walk, so remove after it.
      pendingRemovals.add(c);
      return;
    }
    int i = c.shardIndex;
    if (i < 0 || i >= connections.size() || connections.get(i) != c) {
      return;
    }
    Connection last = connections.remove(connections.size() - 1);
    if (last != c) {
      connections.set(i, last);
      last.shardIndex = i;
    }
    c.shardIndex = -1;
    reachable--;
  }

  /** Calls {@code action} for each connection on this loop; must run on the loop. */
  void forEach(Consumer<Connection> action) {
    assert loop.inEventLoop();
    iterating = true;
    try {
      for (int i = 0, n = connections.size(); i < n; i++) {
        action.accept(connections.get(i));
      }
    } finally {
      iterating = false;
      if (!pendingRemovals.isEmpty()) {
        for (Connection c : pendingRemovals) {
          remove(c);
        }
        pendingRemovals.clear();
      }
    }
  }

  /** Notes that {@code c} has unflushed writes; see {@link #scheduleFlush()}. */
  void markWritten(Connection c) {
    if (!c.flushPending) {
      c.flushPending = true;
      written.add(c);
    }
  }

  /**
   * Flushes the written connections once the tasks already queued on this loop have run: a burst of
   * publications is flushed once per connection, not once per publication.
   */
  void scheduleFlush() {
    if (!flushScheduled && !written.isEmpty()) {
      flushScheduled = true;
      loop.execute(flushTask);
    }
  }

  private void flushWritten() {
    flushScheduled = false;
    for (int i = 0, n = written.size(); i < n; i++) {
      Connection c = written.get(i);
      c.flushPending = false;
      c.channel.flush();
    }
    written.clear();
  }

  int size() {
    return connections.size();
  }

  /** Notes that {@code c} fell behind; {@code guard} checks it until it catches up or is slow. */
  void behind(Connection c, SlowConsumerGuard guard) {
    behind.add(c);
    scheduleCheck(guard);
  }

  private void scheduleCheck(SlowConsumerGuard guard) {
    if (!checkScheduled) {
      checkScheduled = true;
      loop.schedule(() -> runCheck(guard), guard.checkPeriodNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void runCheck(SlowConsumerGuard guard) {
    checkScheduled = false;
    if (guard.check(behind)) {
      scheduleCheck(guard);
    }
  }
}
