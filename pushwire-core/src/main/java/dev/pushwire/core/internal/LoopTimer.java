package dev.pushwire.core.internal;

import dev.pushwire.core.TimerHandle;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An application's timer ({@code tick}, {@code after}) on an event loop. */
final class LoopTimer implements TimerHandle {
  // Under the server's name, where operators have always found these failures.
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketServer.class);

  private final ScheduledFuture<?> future;

  private LoopTimer(ScheduledFuture<?> future) {
    this.future = future;
  }

  /** Runs {@code task} every {@code period} on {@code loop}, the first time after one period. */
  static LoopTimer every(EventExecutor loop, Duration period, Runnable task) {
    long nanos = Math.max(1, period.toNanos());
    return new LoopTimer(
        loop.scheduleAtFixedRate(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS));
  }

  /** Runs {@code task} once on {@code loop} after {@code delay}. */
  static LoopTimer after(EventExecutor loop, Duration delay, Runnable task) {
    return new LoopTimer(
        loop.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS));
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // A failing periodic task must not cancel itself silently, nor kill the loop.
        log.warn("timer task failed", e);
      }
    };
  }

  @Override
  public boolean cancel() {
    return future.cancel(false);
  }

  @Override
  public boolean isCancelled() {
    return future.isCancelled();
  }
}
