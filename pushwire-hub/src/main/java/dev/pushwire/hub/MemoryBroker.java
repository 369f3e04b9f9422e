package dev.pushwire.hub;

import dev.pushwire.hub.internal.HistoryBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node {@link Broker} in memory: each channel keeps a ring of publications bounded by
 * count and age, and publications go straight to this node's listener. Thread-safe with one lock
 * per channel and no global lock; every stage it returns is already complete.
 *
 * <p>Each channel's stream gets a random epoch when it is created. A new broker (a restart) has
 * none of the old streams, so every channel's epoch changes and old positions are reported
 * unrecoverable. A stream whose history has expired and that has seen no publication for its {@link
 * PublishOptions#historyMetaTtl()} is dropped to bound memory; if the channel is used again, it
 * starts over in a new epoch for the same reason.
 *
 * <p>{@link #publish} keeps a copy of the data it is given; {@link #publishOwned} keeps the array
 * itself.
 */
public final class MemoryBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(MemoryBroker.class);
  private static final long SWEEP_INTERVAL_MILLIS = Duration.ofMinutes(1).toMillis();

  private final Clock clock;
  private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextSweepAt;
  private volatile BrokerListener listener;
  private volatile boolean closed;

  /** A broker on the system clock. */
  public MemoryBroker() {
    this(Clock.systemUTC());
  }

  /** A broker that reads time (publication times, history age) from {@code clock}. */
  public MemoryBroker(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nextSweepAt = new AtomicLong(clock.millis() + SWEEP_INTERVAL_MILLIS);
  }

  @Override
  public synchronized void start(BrokerListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (this.listener != null) {
      throw new IllegalStateException("MemoryBroker already started");
    }
    this.listener = listener;
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    // Same order of checks as append, so a call with several nulls names the same one.
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(data, "data");
    // The caller may change its array afterwards, and this broker keeps it (history, listeners).
    return append(channel, data.clone(), options);
  }

  @Override
  public CompletionStage<PublishResult> publishOwned(
      String channel, byte[] data, PublishOptions options) {
    return append(channel, data, options);
  }

  /** Assigns the offset, keeps {@code data} in history and delivers it, without copying it. */
  private CompletionStage<PublishResult> append(
      String channel, byte[] data, PublishOptions options) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    if (closed) {
      return closedFailure();
    }
    long now = clock.millis();
    PublishResult result;
    for (; ; ) {
      Stream s = streams.computeIfAbsent(channel, k -> new Stream(now));
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        s.ttlMillis = options.historyTtl().toMillis();
        s.metaTtlMillis = options.historyMetaTtl().toMillis();
        s.lastPublishAt = now;
        s.history.expire(now - s.ttlMillis);
        Publication p = new Publication(++s.top, s.epoch, data, now, options.info());
        s.history.append(p, options.historySize());
        result = new PublishResult(p.offset(), p.epoch());
        // Delivering inside the channel's lock is what keeps per-channel delivery in offset order.
        deliver(channel, p);
      }
      break;
    }
    maybeSweep(now);
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(options, "options");
    if (closed) {
      return closedFailure();
    }
    long now = clock.millis();
    HistoryResult result;
    for (; ; ) {
      // Reading creates the stream so that the epoch a reader is told stays the one later
      // publications get.
      Stream s = streams.computeIfAbsent(channel, k -> new Stream(now));
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        s.history.expire(now - s.ttlMillis);
        result = read(s, options);
      }
      break;
    }
    maybeSweep(now);
    return CompletableFuture.completedFuture(result);
  }

  private static HistoryResult read(Stream s, HistoryOptions options) {
    StreamPosition since = options.since();
    if (since == null || !since.epoch().equals(s.epoch) || since.offset() > s.top) {
      return new HistoryResult(s.history.latest(options.limit()), s.top, s.epoch, false);
    }
    long oldestKept = s.history.size() == 0 ? s.top + 1 : s.history.oldestOffset();
    boolean recoverable = since.offset() + 1 >= oldestKept;
    return new HistoryResult(
        s.history.after(since.offset(), options.limit()), s.top, s.epoch, recoverable);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    subscribed.add(Objects.requireNonNull(channel, "channel"));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    subscribed.remove(Objects.requireNonNull(channel, "channel"));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    Stream s = streams.get(Objects.requireNonNull(channel, "channel"));
    if (s != null) {
      synchronized (s) {
        // Keeps top and epoch: offsets go on, and positions before the top become unrecoverable.
        s.history.clear();
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    closed = true;
    listener = null;
    streams.clear();
    subscribed.clear();
  }

  /** The number of channel streams kept (for tests of memory bounds). */
  int streamCount() {
    return streams.size();
  }

  private void deliver(String channel, Publication p) {
    BrokerListener l = listener;
    if (l == null || !subscribed.contains(channel)) {
      return;
    }
    try {
      l.onPublication(channel, p);
    } catch (RuntimeException e) {
      log.error("Broker listener failed on channel {} offset {}", channel, p.offset(), e);
    }
  }

  private void maybeSweep(long now) {
    long due = nextSweepAt.get();
    if (now < due || !nextSweepAt.compareAndSet(due, now + SWEEP_INTERVAL_MILLIS)) {
      return;
    }
    for (var e : streams.entrySet()) {
      Stream s = e.getValue();
      synchronized (s) {
        s.history.expire(now - s.ttlMillis);
        if (s.history.size() == 0 && now - s.lastPublishAt >= s.metaTtlMillis) {
          s.removed = true;
          streams.remove(e.getKey(), s);
        }
      }
    }
  }

  private static <T> CompletionStage<T> closedFailure() {
    return CompletableFuture.failedFuture(
        new HubException(ErrorCode.UNAVAILABLE, "the memory broker is closed"));
  }

  private static String newEpoch() {
    // 50 random bits in base 36: short enough for URLs and logs, collisions negligible.
    String s = Long.toString(ThreadLocalRandom.current().nextLong() >>> 14, 36);
    return "0".repeat(Math.max(0, 10 - s.length())) + s;
  }

  /** One channel's offsets and history; guarded by its own monitor. */
  private static final class Stream {
    final String epoch = newEpoch();
    final HistoryBuffer history = new HistoryBuffer();
    long top;
    long ttlMillis = PublishOptions.DEFAULT.historyTtl().toMillis();
    long metaTtlMillis = PublishOptions.DEFAULT.historyMetaTtl().toMillis();
    long lastPublishAt;
    boolean removed;

    Stream(long createdAt) {
      this.lastPublishAt = createdAt;
    }
  }

  @Override
  public String toString() {
    return "MemoryBroker{streams=" + streams.size() + ", subscribed=" + subscribed.size() + '}';
  }
}
