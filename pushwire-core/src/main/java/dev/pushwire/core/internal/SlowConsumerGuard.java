package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.SlowConsumerPolicy;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Decides which connections are slow consumers, and applies the policy to them. Runs on the
 * connections' event loops.
 *
 * <p>A connection is <em>behind</em> when, after a flush, the socket did not take everything and
 * more than the high water mark is still queued: only what the socket refused counts, never what a
 * burst queued before it was flushed, so a reader that keeps pace with the network is never touched
 * by the policy. A connection is a <em>slow consumer</em> once it has stayed behind for {@link
 * ServerSettings#slowConsumerTimeout()}, or at once when more than {@link
 * ServerSettings#slowConsumerMaxPending()} would be queued for it. Then, by policy, its messages
 * are skipped (and counted) until it is writable again, or it is closed with a close frame sent
 * after what is already queued; a connection may ask for its own close code instead ({@code
 * pushwire.v1} clients get one that tells them to reconnect and recover).
 *
 * <p>While a receiver is behind, it holds the {@link FanOutSource.Ticket}s of the broadcasts it
 * got, which slows their sources down; becoming writable again, or a slow consumer, or closed lets
 * them go.
 */
final class SlowConsumerGuard {
  private static final long MIN_CLOSE_WAIT_MILLIS = 2000;
  private static final long MIN_CHECK_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final ServerSettings settings;
  private final ServerCounters counters;
  private final long timeoutNanos;
  private final long checkPeriodNanos;

  /** How long a slow consumer being closed may take to read what was queued before its close. */
  private final long closeWaitMillis;

  SlowConsumerGuard(ServerSettings settings, ServerCounters counters) {
    this.settings = settings;
    this.counters = counters;
    this.timeoutNanos = settings.slowConsumerTimeout().toNanos();
    this.checkPeriodNanos = Math.max(MIN_CHECK_PERIOD_NANOS, timeoutNanos / 4);
    this.closeWaitMillis =
        Math.max(MIN_CLOSE_WAIT_MILLIS, 2 * settings.slowConsumerTimeout().toMillis());
  }

  /** Whether a message of {@code size} bytes may be queued to {@code c} now. */
  boolean admit(Connection c, int size) {
    if (!c.open || c.closeSent) {
      return false;
    }
    if (c.dropping) {
      if (!c.channel.isWritable()) {
        counters.slowConsumerDrops.increment();
        return false;
      }
      c.dropping = false;
    }
    if (c.behindSinceNanos != 0 && pending(c) + size > settings.slowConsumerMaxPending()) {
      slow(c);
      if (c.dropping) {
        counters.slowConsumerDrops.increment();
      }
      return false;
    }
    return true;
  }

  /**
   * After a write to {@code c}: flushes it when the write took it past the high water mark, and
   * notes whether the socket refused bytes. Returns whether {@code c} is behind.
   */
  boolean written(Connection c) {
    if (c.channel.isWritable()) {
      return false;
    }
    if (c.behindSinceNanos == 0) {
      // What this burst queued so far goes to the socket now; only what it refuses counts.
      c.channel.flush();
      if (c.channel.isWritable()) {
        return false;
      }
      c.behindSinceNanos = System.nanoTime() | 1;
      c.shard.behind(c, this);
    }
    return true;
  }

  /** {@code c} may hold {@code ticket} until it catches up; call only while it is behind. */
  void hold(Connection c, FanOutSource.Ticket ticket) {
    if (c.waiting == null) {
      c.waiting = new ArrayList<>(4);
    }
    ticket.hold();
    c.waiting.add(ticket);
  }

  /** {@code c}'s writability changed; when writable, it has caught up. */
  void writabilityChanged(Connection c) {
    if (c.channel.isWritable()) {
      c.behindSinceNanos = 0;
      c.dropping = false;
      releaseWaiting(c);
    }
  }

  /** {@code c} closed: nothing waits for it any more. */
  void closed(Connection c) {
    c.behindSinceNanos = 0;
    releaseWaiting(c);
  }

  /**
   * Checks {@code shard}'s connections that were behind; returns whether any still is (so the check
   * must run again after {@link #checkPeriodNanos()}).
   */
  boolean check(ArrayList<Connection> behind) {
    long now = System.nanoTime();
    int kept = 0;
    for (int i = 0, n = behind.size(); i < n; i++) {
      Connection c = behind.get(i);
      if (c.behindSinceNanos == 0 || !c.open) {
        continue;
      }
      if (c.channel.isWritable()) {
        writabilityChanged(c); // the event is on its way; no need to wait for it
        continue;
      }
      if (now - c.behindSinceNanos >= timeoutNanos) {
        slow(c);
        continue;
      }
      behind.set(kept++, c);
    }
    behind.subList(kept, behind.size()).clear();
    return kept > 0;
  }

  long checkPeriodNanos() {
    return checkPeriodNanos;
  }

  private void slow(Connection c) {
    c.behindSinceNanos = 0;
    releaseWaiting(c);
    if (c.slowCloseCode != 0) {
      counters.slowConsumerCloses.increment();
      c.startClose(c.slowCloseCode, c.slowCloseReason, closeWaitMillis);
    } else if (settings.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE) {
      counters.slowConsumerCloses.increment();
      c.startClose(CloseCodes.POLICY_VIOLATION, "slow consumer", closeWaitMillis);
    } else {
      c.dropping = true;
    }
  }

  private static void releaseWaiting(Connection c) {
    ArrayList<FanOutSource.Ticket> w = c.waiting;
    if (w == null || w.isEmpty()) {
      return;
    }
    // Releasing may run a source's resume on this loop, which may deliver to c again: swap first.
    c.waiting = null;
    for (int i = 0, n = w.size(); i < n; i++) {
      w.get(i).release();
    }
  }

  private static long pending(Connection c) {
    ChannelOutboundBuffer out = c.channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }
}
