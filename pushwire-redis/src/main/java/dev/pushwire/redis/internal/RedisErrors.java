package dev.pushwire.redis.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns what Lettuce fails with into {@link HubException}s that say what happened. */
public final class RedisErrors {
  private RedisErrors() {}

  /**
   * {@code error} as a {@link HubException}: {@code UNAVAILABLE} when Redis could not be reached,
   * did not answer in time or is not serving (loading, out of memory, read-only replica), {@code
   * INTERNAL} for other errors Redis reported.
   *
   * @param what what was attempted, for example {@code "publish on news"}
   * @param address the server, without credentials
   */
  public static HubException toHubException(
      Throwable error, String what, String address, Duration timeout) {
    Throwable e = unwrap(error);
    if (e instanceof HubException h) {
      return h;
    }
    if (e instanceof RedisCommandTimeoutException) {
      return new HubException(
          ErrorCode.UNAVAILABLE,
          "Redis at " + address + " did not answer " + what + " within " + seconds(timeout),
          e);
    }
    if (e instanceof RedisCommandExecutionException) {
      String m = String.valueOf(e.getMessage());
      boolean notServing =
          m.startsWith("LOADING")
              || m.startsWith("OOM")
              || m.startsWith("READONLY")
              || m.startsWith("MASTERDOWN")
              || m.startsWith("BUSY")
              || m.startsWith("TRYAGAIN")
              || m.startsWith("CLUSTERDOWN");
      return new HubException(
          notServing ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
          "Redis at " + address + " refused " + what + ": " + m,
          e);
    }
    return new HubException(
        ErrorCode.UNAVAILABLE,
        "Redis at " + address + " is unreachable, " + what + " failed: " + e.getMessage(),
        e);
  }

  /** The cause of a wrapping {@link CompletionException} or {@link ExecutionException}. */
  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }
}
