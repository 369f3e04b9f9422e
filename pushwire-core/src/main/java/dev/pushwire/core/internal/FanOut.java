package dev.pushwire.core.internal;

import dev.pushwire.core.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outbound path, where performance lives (DESIGN.md, "The fan-out path").
 *
 * <ul>
 *   <li>A message for many connections is framed, and compressed when some receivers share a
 *       deflate context, once ({@link SharedFrame}).
 *   <li>One task per event loop per broadcast writes a duplicate of it to each of that loop's
 *       receivers, without locks; the loop flushes each receiver once per burst ({@link
 *       LoopShard#scheduleFlush()}).
 *   <li>Every write passes the {@link SlowConsumerGuard}: a receiver that cannot keep up is handled
 *       by policy and never grows memory without bound.
 *   <li>A broadcast made while a message or request is handled is paced by its receivers ({@link
 *       FanOutSource}).
 *   <li>Messages to one connection keep the order in which push and broadcast were called, from
 *       whatever threads: every write goes through the target loop's task queue, even from the loop
 *       itself.
 * </ul>
 */
final class FanOut {
  private final ServerSettings settings;
  private final ServerCounters counters;
  private final SlowConsumerGuard guard;
  private final LoopShard[] shards;
  private final ConnectionTable connections;
  private final AtomicInteger sharedDeflateConnections = new AtomicInteger();

  /** Fan-out to {@code connections}, which are already sharded by event loop. */
  FanOut(ServerSettings settings, ServerCounters counters, ConnectionTable connections) {
    this.settings = settings;
    this.counters = counters;
    this.guard = new SlowConsumerGuard(settings, counters);
    this.shards = connections.shards();
    this.connections = connections;
  }

  /** {@code c} opened; on its loop. */
  void opened(Connection c) {
    if (c.deflate == Connection.Deflate.SHARED) {
      sharedDeflateConnections.incrementAndGet();
    }
  }

  /** {@code c} closed; on its loop. */
  void closed(Connection c) {
    if (c.deflate == Connection.Deflate.SHARED) {
      sharedDeflateConnections.decrementAndGet();
    }
    guard.closed(c);
  }

  /** {@code c}'s channel became writable or unwritable; on its loop. */
  void writabilityChanged(Connection c) {
    guard.writabilityChanged(c);
  }

  /** Queues {@code payload} (handed over) to one connection; false if it is not open. */
  boolean push(Connection c, boolean binary, ByteBuf payload) {
    if (c == null || !c.open) {
      payload.release();
      return false;
    }
    try {
      c.channel.eventLoop().execute(() -> deliver(c, binary, payload));
    } catch (RejectedExecutionException e) {
      payload.release(); // the server is stopping
      return false;
    }
    return true;
  }

  private void deliver(Connection c, boolean binary, ByteBuf payload) {
    int length = payload.readableBytes();
    if (!guard.admit(c, length)) {
      payload.release();
      return;
    }
    Object message;
    if (c.deflate == Connection.Deflate.SHARED && length >= settings.compressionMinSize()) {
      // Compressed on this loop with its own deflater (no context to keep between messages).
      try {
        message =
            SharedFrame.single(c.channel.alloc(), binary, payload, settings.compressionLevel());
      } finally {
        payload.release();
      }
    } else {
      message = binary ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload);
    }
    c.channel.writeAndFlush(message, c.channel.voidPromise());
    guard.written(c);
    counters.messagesOut.increment();
    counters.bytesOut.add(length);
  }

  /** Queues {@code payload} (read, not released) to every open connection; returns how many. */
  int broadcastAll(boolean binary, ByteBuf payload) {
    // Not the table's size: a connection enters the table after its 101 was written, and a client
    // that has read its 101 must get what is broadcast from then on (LoopShard#reachableCount).
    boolean any = false;
    for (LoopShard shard : shards) {
      any |= shard.reachableCount() > 0;
    }
    if (!any) {
      return 0;
    }
    SharedFrame frame = frame(binary, payload);
    FanOutSource source = currentSource();
    int count = 0;
    try {
      for (LoopShard shard : shards) {
        int n = shard.reachableCount();
        if (n > 0) {
          count += n;
          dispatch(shard, frame, null, source);
        }
      }
    } finally {
      frame.release();
    }
    return count;
  }

  /** Queues {@code payload} (read, not released) to each open connection of {@code ids}. */
  int broadcastTo(Collection<Long> ids, boolean binary, ByteBuf payload) {
    if (ids.isEmpty()) {
      return 0;
    }
    @SuppressWarnings("unchecked")
    ArrayList<Connection>[] byShard = new ArrayList[shards.length];
    int count = 0;
    for (Long id : ids) {
      Connection c = connections.get(id);
      if (c == null || !c.open) {
        continue;
      }
      int i = indexOf(c.shard);
      if (byShard[i] == null) {
        byShard[i] = new ArrayList<>();
      }
      byShard[i].add(c);
      count++;
    }
    if (count == 0) {
      return 0;
    }
    SharedFrame frame = frame(binary, payload);
    FanOutSource source = currentSource();
    try {
      for (int i = 0; i < byShard.length; i++) {
        if (byShard[i] != null) {
          dispatch(shards[i], frame, byShard[i], source);
        }
      }
    } finally {
      frame.release();
    }
    return count;
  }

  private SharedFrame frame(boolean binary, ByteBuf payload) {
    int level =
        settings.compression()
                && sharedDeflateConnections.get() > 0
                && payload.readableBytes() >= settings.compressionMinSize()
            ? settings.compressionLevel()
            : 0;
    return SharedFrame.of(ByteBufAllocator.DEFAULT, binary, payload, level);
  }

  /** The source being handled on the calling thread's loop, or null off the loops or between. */
  private FanOutSource currentSource() {
    for (LoopShard s : shards) {
      if (s.loop.inEventLoop()) {
        return s.current == null ? null : s.current.fanOutSource();
      }
    }
    return null;
  }

  private int indexOf(LoopShard shard) {
    for (int i = 0; i < shards.length; i++) {
      if (shards[i] == shard) {
        return i;
      }
    }
    throw new IllegalStateException("unknown shard");
  }

  /**
   * One task on {@code shard}'s loop writes the frame to each of its connections ({@code targets},
   * or all when null).
   */
  private void dispatch(
      LoopShard shard, SharedFrame frame, List<Connection> targets, FanOutSource source) {
    // With several loops each gets its own copy, so that the per-connection duplicates touch a
    // reference count no other core writes to.
    SharedFrame local = shards.length > 1 ? frame.copy(ByteBufAllocator.DEFAULT) : frame.retain();
    FanOutSource.Ticket ticket = source == null ? null : source.acquire(local.payloadLength());
    Runnable task =
        () -> {
          try {
            int sent = 0;
            if (targets == null) {
              int[] n = {0};
              shard.forEach(c -> n[0] += write(shard, c, local, ticket));
              sent = n[0];
            } else {
              for (int i = 0, size = targets.size(); i < size; i++) {
                sent += write(shard, targets.get(i), local, ticket);
              }
            }
            shard.scheduleFlush();
            counters.messagesOut.add(sent);
            counters.bytesOut.add((long) sent * local.payloadLength());
          } finally {
            local.release();
            if (ticket != null) {
              ticket.release();
            }
          }
        };
    try {
      shard.loop.execute(task);
    } catch (RejectedExecutionException e) {
      local.release(); // the server is stopping: nothing more is delivered, nothing is paced
    }
  }

  /** Writes without flushing (the shard flushes once per burst); returns 1 if written. */
  private int write(LoopShard shard, Connection c, SharedFrame frame, FanOutSource.Ticket ticket) {
    if (!guard.admit(c, frame.payloadLength())) {
      return 0;
    }
    c.channel.write(frame.forConnection(c.deflate), c.channel.voidPromise());
    shard.markWritten(c);
    if (guard.written(c) && ticket != null) {
      guard.hold(c, ticket);
    }
    return 1;
  }
}
