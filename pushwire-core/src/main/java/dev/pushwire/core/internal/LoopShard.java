package dev.pushwire.core.internal;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
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

  LoopShard(EventLoop loop) {
    this.loop = loop;
  }

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

  int size() {
    return connections.size();
  }
}
