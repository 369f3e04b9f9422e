package dev.pushwire.core.internal.client;

import dev.pushwire.core.ReconnectPolicy;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * When a {@link NettyWebSocketClient} tries again after its connection was lost or an attempt
 * failed: after the {@link ReconnectPolicy}'s delay for the number of attempts that failed in a
 * row, with jitter, until the policy gives up. Used on the client's loop only.
 */
final class ReconnectBackoff {
  private final ReconnectPolicy policy;
  private final EventLoop loop;
  private int failedAttempts;
  private ScheduledFuture<?> task;

  ReconnectBackoff(ReconnectPolicy policy, EventLoop loop) {
    this.policy = policy;
    this.loop = loop;
  }

  /** A connection opened, or the user started over: the count starts again. */
  void reset() {
    failedAttempts = 0;
  }

  void attemptFailed() {
    failedAttempts++;
  }

  int failedAttempts() {
    return failedAttempts;
  }

  /**
   * Runs {@code attempt} after the delay before the next attempt; false, scheduling nothing, when
   * the policy allows no further attempt.
   */
  boolean schedule(Runnable attempt) {
    int next = failedAttempts + 1;
    if (!policy.allows(next)) {
      return false;
    }
    long delayNanos = policy.delayBefore(next, ThreadLocalRandom.current().nextDouble()).toNanos();
    task =
        loop.schedule(
            () -> {
              task = null;
              attempt.run();
            },
            delayNanos,
            TimeUnit.NANOSECONDS);
    return true;
  }

  /** Cancels the scheduled attempt, if any. */
  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
