package dev.pushwire.hub;

import dev.pushwire.hub.internal.HistoryBuffer;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node {@link Broker} in memory: each channel keeps a ring of publications bounded by
 * count and age, and publications go straight to this node's listener. Thread-safe with one lock
 * per channel and no global lock; every stage it returns is already complete.
 *
 * <h2>What it keeps, and for how long</h2>
 *
 * A channel has a stream (its offsets, epoch and history) only once it is published to, or while
 * this node is {@linkplain #subscribe subscribed} to it. Reading a channel that has neither keeps
 * nothing, so readers of random channel names cannot grow the heap; a subscription's stream goes
 * away with the subscription if nothing was published meanwhile. A stream whose history has
 * expired, that has seen no publication for its {@link PublishOptions#historyMetaTtl()} and that
 * nobody here is subscribed to is dropped. At most {@code maxChannels} channels with publications
 * are kept: a publication that would start one more is refused with {@link
 * ErrorCode#TOO_MANY_CHANNELS}.
 *
 * <h2>Epochs</h2>
 *
 * A reader of a channel without a stream is told offset 0 in the broker's current <i>vacant
 * epoch</i>, and a new stream starts in that epoch: so a reader's position {@code (0, vacant)}
 * stays valid for the stream's first publications, without anything kept for the read. Dropping a
 * stream that had publications changes the vacant epoch first, so that a position taken before that
 * stream lived can never be mistaken for one in the stream that follows it (such readers are told
 * their position is not recoverable; at worst that is a false alarm, never a silent gap). A
 * subscribed channel keeps its stream, so its subscribers' epoch does not change under them. A new
 * broker (a restart) starts with a new vacant epoch and no streams, so every old position is
 * reported unrecoverable.
 *
 * <p>{@link #publish} keeps a copy of the data it is given; {@link #publishOwned} keeps the array
 * itself.
 */
public final class MemoryBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(MemoryBroker.class);
  private static final long SWEEP_INTERVAL_MILLIS = Duration.ofMinutes(1).toMillis();

  /** How many channels with publications a broker keeps unless told otherwise. */
  public static final int DEFAULT_MAX_CHANNELS = 100_000;

  private final Clock clock;
  private final int maxChannels;
  private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger published = new AtomicInteger();
  private final AtomicLong nextSweepAt;
  private volatile String vacantEpoch = newEpoch();
  private volatile BrokerListener listener;
  private volatile boolean closed;

  /** A broker on the system clock, keeping up to {@link #DEFAULT_MAX_CHANNELS} channels. */
  public MemoryBroker() {
    this(Clock.systemUTC());
  }

  /**
   * A broker that reads time (publication times, history age) from {@code clock}, keeping up to
   * {@link #DEFAULT_MAX_CHANNELS} channels.
   */
  public MemoryBroker(Clock clock) {
    this(clock, DEFAULT_MAX_CHANNELS);
  }

  /**
   * A broker that reads time from {@code clock} and keeps at most {@code maxChannels} channels with
   * publications.
   *
   * @throws IllegalArgumentException when {@code maxChannels} is less than 1
   */
  public MemoryBroker(Clock clock, int maxChannels) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxChannels < 1) {
      throw new IllegalArgumentException("maxChannels must be 1 or more: " + maxChannels);
    }
    this.maxChannels = maxChannels;
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
      Stream s = streams.get(channel);
      if (s == null) {
        if (published.get() >= maxChannels) {
          // Refused before a stream is made, so that a flood of new names costs nothing here.
          return tooManyChannels(channel);
        }
        s = streams.computeIfAbsent(channel, k -> new Stream(vacantEpoch, now));
      }
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        if (s.top == 0 && !reserveChannel()) {
          dropIfVacant(channel, s);
          return tooManyChannels(channel);
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
      Stream s = streams.get(channel);
      if (s == null) {
        // Nothing is kept for the read: the stream this channel gets later starts in this epoch.
        result = readVacant(vacantEpoch, options);
        break;
      }
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

  /** What {@link #read} answers for a stream with no publications in {@code epoch}. */
  private static HistoryResult readVacant(String epoch, HistoryOptions options) {
    StreamPosition since = options.since();
    boolean recoverable = since != null && since.epoch().equals(epoch) && since.offset() == 0;
    return new HistoryResult(List.of(), 0, epoch, recoverable);
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

  /**
   * {@inheritDoc}
   *
   * <p>Keeps the channel's stream while subscribed (making one in the vacant epoch if it has none),
   * so that the position the subscribers are told stays theirs until the first publication.
   */
  @Override
  public CompletionStage<Void> subscribe(String channel) {
    subscribed.add(Objects.requireNonNull(channel, "channel"));
    long now = clock.millis();
    for (; ; ) {
      Stream s = streams.computeIfAbsent(channel, k -> new Stream(vacantEpoch, now));
      synchronized (s) {
        if (!s.removed) {
          break;
        }
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Drops the channel's stream if nothing was ever published to it: it holds nothing a reader
   * could miss.
   */
  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    subscribed.remove(Objects.requireNonNull(channel, "channel"));
    Stream s = streams.get(channel);
    if (s != null) {
      synchronized (s) {
        dropIfVacant(channel, s);
      }
    }
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
    published.set(0);
  }

  /** The number of channels with publications kept, at most {@link #maxChannels()}. */
  @Override
  public long channelCount() {
    return published.get();
  }

  /** The most channels with publications this broker keeps. */
  public int maxChannels() {
    return maxChannels;
  }

  /** The number of channel streams kept, subscribed channels without publications included. */
  int streamCount() {
    return streams.size();
  }

  /** Counts one more channel with publications, unless that would pass the limit. */
  private boolean reserveChannel() {
    for (; ; ) {
      int n = published.get();
      if (n >= maxChannels) {
        return false;
      }
      if (published.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Under {@code s}'s lock: drops {@code s} if it never had a publication and nobody here is
   * subscribed. Its epoch may then be reused: no reader can have seen a publication in it.
   */
  private void dropIfVacant(String channel, Stream s) {
    if (!s.removed && s.top == 0 && !subscribed.contains(channel)) {
      s.removed = true;
      streams.remove(channel, s);
    }
  }

  private <T> CompletionStage<T> tooManyChannels(String channel) {
    return CompletableFuture.failedFuture(
        new HubException(
            ErrorCode.TOO_MANY_CHANNELS,
            "not published to "
                + channel
                + ": this node already keeps the most channels it may ("
                + maxChannels
                + "); a channel is forgotten once its history expired and it had no publication"
                + " for its history meta ttl"));
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
    boolean epochChanged = false;
    for (var e : streams.entrySet()) {
      Stream s = e.getValue();
      String channel = e.getKey();
      synchronized (s) {
        s.history.expire(now - s.ttlMillis);
        if (s.removed
            || s.history.size() > 0
            || now - s.lastPublishAt < s.metaTtlMillis
            || subscribed.contains(channel)) {
          continue;
        }
        if (s.top > 0) {
          if (!epochChanged) {
            // Before the stream goes, so that whatever starts this channel again (under its
            // lock, after seeing it removed) starts in an epoch no earlier reader was told.
            vacantEpoch = newEpoch();
            epochChanged = true;
          }
          published.decrementAndGet();
        }
        s.removed = true;
        streams.remove(channel, s);
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
    final String epoch;
    final HistoryBuffer history = new HistoryBuffer();
    long top;
    long ttlMillis = PublishOptions.DEFAULT.historyTtl().toMillis();
    long metaTtlMillis = PublishOptions.DEFAULT.historyMetaTtl().toMillis();
    long lastPublishAt;
    boolean removed;

    Stream(String epoch, long createdAt) {
      this.epoch = epoch;
      this.lastPublishAt = createdAt;
    }
  }

  @Override
  public String toString() {
    return "MemoryBroker{streams="
        + streams.size()
        + ", published="
        + published.get()
        + ", subscribed="
        + subscribed.size()
        + '}';
  }
}
