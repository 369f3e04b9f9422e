package dev.pushwire.hub.testing;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Bounded joins of the asynchronous backend calls, for the tests of every backend module. Waiting
 * for a condition is Awaitility's job; this only turns a stage into its value or a failure.
 */
public final class Stages {
  /** How long a backend call may take in a test: generous, for a busy machine. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private Stages() {}

  /** The stage's value, waiting at most {@link #WAIT}; fails the test if it fails or times out. */
  public static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for a backend call", e);
    } catch (Exception e) {
      throw new AssertionError("backend call failed or timed out", e);
    }
  }

  /** Whether the stage completes normally within 5 seconds (for a backend that may be down). */
  public static boolean succeeds(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
