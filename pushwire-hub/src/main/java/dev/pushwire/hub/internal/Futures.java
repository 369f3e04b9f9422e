package dev.pushwire.hub.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Small helpers for the hub's stages. */
final class Futures {
  private Futures() {}

  /** The failure inside the wrappers that stages add. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  /**
   * {@code t} as a {@link HubException}: itself, or {@link ErrorCode#UNAVAILABLE} naming {@code
   * what}.
   */
  static HubException toHubException(Throwable t, String what) {
    Throwable cause = unwrap(t);
    if (cause instanceof HubException h) {
      return h;
    }
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new HubException(ErrorCode.UNAVAILABLE, what + " failed: " + message, cause);
  }

  /** {@code stage}, with any failure turned into a {@link HubException} naming {@code what}. */
  static <T> CompletableFuture<T> mapErrors(CompletionStage<T> stage, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (v, e) -> {
          if (e == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(toHubException(e, what));
          }
        });
    return out;
  }

  /**
   * Runs {@code call}; a synchronous throw becomes a failed stage, as callers of the hub expect.
   */
  static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call, String what) {
    try {
      return mapErrors(call.get(), what);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(toHubException(e, what));
    }
  }
}
