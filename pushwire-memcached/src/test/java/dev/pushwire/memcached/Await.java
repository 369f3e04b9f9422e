package dev.pushwire.memcached;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waiting for the tests: every wait has a deadline and fails with what it waited for. */
final class Await {
  private Await() {}

  /** Waits until {@code condition} holds, polling every 20 ms, at most {@code timeout}. */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** The stage's value, waiting at most 10 seconds. */
  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("call failed or timed out", e);
    }
  }

  /** Whether the stage completes normally within 5 seconds. */
  static boolean succeeds(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
