package dev.pushwire.bench.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Opens {@code count} connections with at most {@code concurrency} handshakes in flight: each
 * attempt that ends, opened or failed, starts the next. Records handshake times (TCP connect to
 * upgrade response) and failures by reason.
 */
public final class ConnectionOpener {
  private final BenchClient client;
  private final Target target;
  private final HttpHeaders headers;
  private final int count;
  private final int concurrency;
  private final IntFunction<ChannelHandler> sessions;
  private final Connections connections;
  private final AtomicInteger next = new AtomicInteger();
  private final LongAdder opened = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger ended = new AtomicInteger();
  private final Failures failures = new Failures();
  private final LatencyRecorder handshakes = new LatencyRecorder();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private String subprotocol;
  private volatile boolean stopped;
  private long startNanos;
  private volatile long endNanos;

  /** An opener; {@code sessions} makes the session handler of connection i (0-based). */
  private ConnectionOpener(
      BenchClient client,
      Target target,
      HttpHeaders headers,
      int count,
      int concurrency,
      IntFunction<ChannelHandler> sessions,
      Connections connections) {
    this.client = client;
    this.target = target;
    this.headers = headers;
    this.count = count;
    this.concurrency = Math.max(1, concurrency);
    this.sessions = sessions;
    this.connections = connections;
  }

  /**
   * An opener of {@code count} connections to {@code load}'s target, with its headers and
   * concurrency.
   */
  static ConnectionOpener of(
      BenchClient client,
      LoadSettings load,
      int count,
      IntFunction<ChannelHandler> sessions,
      Connections connections) {
    return new ConnectionOpener(
        client, load.target(), load.headers(), count, load.concurrency(), sessions, connections);
  }

  /**
   * Sessions made by {@code make}, each also added to {@code into}, which the caller reads under
   * its lock: connections open on several event loops at once.
   */
  static <S extends ChannelHandler> IntFunction<ChannelHandler> collecting(
      List<S> into, Supplier<S> make) {
    return i -> {
      S s = make.get();
      synchronized (into) {
        into.add(s);
      }
      return s;
    };
  }

  /** Offers {@code subprotocol} in every handshake (before {@link #start()}); returns this. */
  ConnectionOpener subprotocol(String subprotocol) {
    this.subprotocol = subprotocol;
    return this;
  }

  /** Starts opening; the future completes when every attempt has ended. */
  public CompletableFuture<Void> start() {
    handshakes.startMeasuring();
    startNanos = System.nanoTime();
    if (count == 0) {
      endNanos = startNanos;
      done.complete(null);
    }
    for (int i = 0; i < Math.min(concurrency, count); i++) {
      launch();
    }
    return done;
  }

  /** Starts no further attempts. */
  public void stop() {
    stopped = true;
  }

  private void launch() {
    if (stopped) {
      return;
    }
    int i = next.getAndIncrement();
    if (i >= count) {
      return;
    }
    long t0 = System.nanoTime();
    client
        .open(target, subprotocol, headers, sessions.apply(i), connections)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                handshakes.record(System.nanoTime() - t0);
                connections.add((Channel) f.getNow());
                opened.increment();
              } else {
                failures.add(f.cause());
                failed.increment();
              }
              if (ended.incrementAndGet() == count) {
                endNanos = System.nanoTime();
                done.complete(null);
              } else {
                launch();
              }
            });
  }

  /** Connections opened so far. */
  public long opened() {
    return opened.sum();
  }

  /** Attempts failed so far. */
  public long failed() {
    return failed.sum();
  }

  /** Failures by reason. */
  public Failures failures() {
    return failures;
  }

  /** Handshake times. */
  public LatencyRecorder handshakes() {
    return handshakes;
  }

  /** Seconds from start to the end of the last attempt (or to now, while running). */
  public double seconds() {
    long end = endNanos != 0 ? endNanos : System.nanoTime();
    return (end - startNanos) / 1e9;
  }
}
