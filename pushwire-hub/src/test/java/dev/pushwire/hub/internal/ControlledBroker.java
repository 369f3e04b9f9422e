package dev.pushwire.hub.internal;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A broker wrapper that lets a test decide when history reads complete, make them fail, or make
 * them straddle concurrent publications; it also records the node's subscribe calls.
 */
final class ControlledBroker implements Broker {
  enum Mode {
    DIRECT,
    HOLD,
    FAIL,
    STRADDLE
  }

  private final Broker delegate;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicLong publishes = new AtomicLong();
  private final List<Runnable> held = Collections.synchronizedList(new ArrayList<>());
  final List<String> interestCalls = Collections.synchronizedList(new ArrayList<>());
  private volatile Mode mode = Mode.DIRECT;
  private volatile int straddle;

  ControlledBroker(Broker delegate) {
    this.delegate = delegate;
  }

  /** History reads wait until {@link #releaseHistory()}. */
  void holdHistory() {
    mode = Mode.HOLD;
  }

  /** Completes the held history reads, in order. */
  void releaseHistory() {
    mode = Mode.DIRECT;
    List<Runnable> now;
    synchronized (held) {
      now = List.copyOf(held);
      held.clear();
    }
    now.forEach(Runnable::run);
  }

  /** History reads fail. */
  void failHistory() {
    mode = Mode.FAIL;
  }

  /**
   * History reads run on another thread and wait for {@code n} more publications before the read
   * and {@code n} more after it (or a short while if publishing stops), so that publications arrive
   * both before and after the read while the subscription is pending.
   */
  void straddleHistory(int n) {
    straddle = n;
    mode = Mode.STRADDLE;
  }

  private volatile BrokerListener listener;

  @Override
  public void start(BrokerListener listener) {
    this.listener = listener;
    delegate.start(listener);
  }

  /** Reports a gap on {@code channel} after {@code last} to the node, as a broker would. */
  void gap(String channel, dev.pushwire.hub.StreamPosition last) {
    listener.onGap(channel, last);
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    CompletionStage<PublishResult> r = delegate.publish(channel, data, options);
    publishes.incrementAndGet();
    return r;
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    switch (mode) {
      case HOLD -> {
        CompletableFuture<HistoryResult> f = new CompletableFuture<>();
        held.add(
            () -> delegate.history(channel, options).whenComplete((h, e) -> complete(f, h, e)));
        return f;
      }
      case FAIL -> {
        return CompletableFuture.failedFuture(new IllegalStateException("history is down"));
      }
      case STRADDLE -> {
        int n = straddle;
        return CompletableFuture.supplyAsync(
            () -> {
              awaitPublishes(n);
              HistoryResult h = delegate.history(channel, options).toCompletableFuture().join();
              awaitPublishes(n);
              return h;
            },
            executor);
      }
      default -> {
        return delegate.history(channel, options);
      }
    }
  }

  private void awaitPublishes(int n) {
    long target = publishes.get() + n;
    long deadline = System.nanoTime() + 20_000_000L;
    while (publishes.get() < target && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
    if (error != null) {
      f.completeExceptionally(error);
    } else {
      f.complete(value);
    }
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    interestCalls.add("subscribe " + channel);
    return delegate.subscribe(channel);
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    interestCalls.add("unsubscribe " + channel);
    return delegate.unsubscribe(channel);
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    return delegate.removeHistory(channel);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    delegate.close();
  }
}
