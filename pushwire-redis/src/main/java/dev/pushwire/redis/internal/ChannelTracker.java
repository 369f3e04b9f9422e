package dev.pushwire.redis.internal;

import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node has delivered on one channel it is subscribed to, and the closing of gaps in it.
 *
 * <p>Redis pub/sub is at-most-once: while a node's pub/sub connection is down, it misses what is
 * published. This tracker remembers the last position it delivered. When a publication arrives that
 * is not the next one (same epoch, higher offset), or when Lettuce has subscribed the connection
 * again after a reconnect, it reads the channel's history after that position, delivers what it
 * missed in order, then what arrived in the meantime. It never delivers an offset twice in one
 * epoch, and it delivers one channel's publications one at a time in offset order (all under this
 * object's monitor), as {@code BrokerListener} requires.
 *
 * <p>A gap it cannot fill is reported, never hidden: when history no longer holds all of it, when
 * the channel's epoch changed (Redis lost the stream), or when history cannot be read for several
 * seconds, it reports the gap ({@code BrokerListener#onGap}) before it delivers what comes after.
 * When more arrives during a fill than it buffers, it fills again from where it got to.
 *
 * <p>The baseline is the channel's top position read right after the node subscribed ({@link
 * #baseline}), or the first publication delivered, whichever comes first: before it, the hub's own
 * history read after subscribing covers what came earlier.
 */
public final class ChannelTracker {
  private static final Logger log = LoggerFactory.getLogger(ChannelTracker.class);

  /** Live publications kept while a history read is running; past it they are dropped. */
  static final int MAX_BUFFER = 10_000;

  /** History reads tried for one gap (about 5 s in all) before the gap is accepted. */
  static final int MAX_FILL_ATTEMPTS = 8;

  private static final long FIRST_RETRY_DELAY_MILLIS = 50;
  private static final long MAX_RETRY_DELAY_MILLIS = 1000;

  private final String channel;
  private final Function<StreamPosition, CompletionStage<HistoryResult>> readAfter;
  private final Consumer<Publication> deliver;
  private final Consumer<StreamPosition> gap;
  private final ArrayDeque<Publication> buffer = new ArrayDeque<>();
  private StreamPosition last;
  private boolean filling;

  /** More arrived during the current fill than the buffer holds: fill again after it. */
  private boolean overflowed;

  private boolean closed;

  /**
   * @param readAfter reads the channel's history after a position (all of it that is kept)
   * @param deliver hands one publication to the broker's listener; must not throw
   * @param gap reports a gap that cannot be filled, after the last position delivered (null if
   *     none); must not throw
   */
  public ChannelTracker(
      String channel,
      Function<StreamPosition, CompletionStage<HistoryResult>> readAfter,
      Consumer<Publication> deliver,
      Consumer<StreamPosition> gap) {
    this.channel = channel;
    this.readAfter = readAfter;
    this.deliver = deliver;
    this.gap = gap;
  }

  /**
   * The channel's top position, read after the node subscribed: what comes after it must be
   * delivered. Ignored once a publication was delivered.
   */
  public synchronized void baseline(StreamPosition top) {
    if (!closed && last == null) {
      last = top;
    }
  }

  /** A publication that arrived on the channel's topic. */
  public synchronized void onLive(Publication p) {
    if (closed) {
      return;
    }
    if (filling) {
      if (buffer.size() < MAX_BUFFER) {
        buffer.add(p);
      } else {
        overflowed = true; // history has it: read again after this fill
      }
      return;
    }
    if (last == null) {
      deliverOne(p);
    } else if (p.epoch().equals(last.epoch())) {
      if (p.offset() == last.offset() + 1) {
        deliverOne(p);
      } else if (p.offset() > last.offset()) {
        buffer.add(p);
        fill(last);
      }
      // else: an offset already delivered; dropping it keeps delivery at most once.
    } else {
      // Redis lost the stream and started a new epoch: what the old one had after `last` is gone.
      reportGap();
      if (p.offset() == 1) {
        deliverOne(p);
      } else {
        buffer.add(p);
        fill(new StreamPosition(0, p.epoch()));
      }
    }
  }

  /** The node's pub/sub connection subscribed to the channel again (after a reconnect). */
  public synchronized void onResubscribed() {
    if (!closed && !filling && last != null) {
      fill(last);
    }
  }

  /** Stops delivering; what is buffered is dropped. */
  public synchronized void close() {
    closed = true;
    buffer.clear();
  }

  /** The last position delivered, or {@code null} before the first. */
  public synchronized StreamPosition last() {
    return last;
  }

  private boolean isNewer(Publication p) {
    return last == null || !p.epoch().equals(last.epoch()) || p.offset() > last.offset();
  }

  /** Under the monitor: reads what came after {@code since}; live ones wait in the buffer. */
  private void fill(StreamPosition since) {
    filling = true;
    attempt(since, 0);
  }

  private void attempt(StreamPosition since, int attempt) {
    CompletionStage<HistoryResult> read;
    try {
      read = readAfter.apply(since);
    } catch (RuntimeException e) {
      finishFill(since, attempt, null, e);
      return;
    }
    read.whenComplete((history, error) -> finishFill(since, attempt, history, error));
  }

  private synchronized void finishFill(
      StreamPosition since, int attempt, HistoryResult history, Throwable error) {
    if (closed) {
      filling = false;
      buffer.clear();
      return;
    }
    if (error != null && attempt + 1 < MAX_FILL_ATTEMPTS) {
      // The pub/sub connection may be back before the command connection is: try again soon.
      long delay = Math.min(MAX_RETRY_DELAY_MILLIS, FIRST_RETRY_DELAY_MILLIS << attempt);
      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                synchronized (this) {
                  if (closed) {
                    filling = false;
                    buffer.clear();
                  } else {
                    attempt(since, attempt + 1);
                  }
                }
              });
      return;
    }
    filling = false;
    if (error != null) {
      log.warn(
          "Could not read history to fill a gap on {} after offset {} ({} attempts): {}",
          channel,
          since.offset(),
          MAX_FILL_ATTEMPTS,
          RedisErrors.unwrap(error).toString());
      reportGap();
    } else {
      if (!history.recoverable()) { // the broker read it after `since`: anything lost is a gap
        reportGap();
      }
      for (Publication p : history.publications()) {
        if (isNewer(p)) {
          deliverOne(p);
        }
      }
      if (last == null || !last.epoch().equals(history.epoch())) {
        // A new epoch with nothing kept yet: the stream goes on from its top; the gap that leads
        // here is reported already.
        last = history.top();
      }
    }
    Publication p;
    while ((p = buffer.poll()) != null) {
      if (isNewer(p)) {
        deliverOne(p);
      }
    }
    if (overflowed) {
      overflowed = false;
      fill(last);
    }
  }

  private void reportGap() {
    gap.accept(last);
  }

  private void deliverOne(Publication p) {
    last = p.position();
    deliver.accept(p);
  }

  @Override
  public synchronized String toString() {
    return "ChannelTracker{" + channel + ", last=" + last + ", filling=" + filling + '}';
  }
}
