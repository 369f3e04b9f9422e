package dev.pushwire.redis.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.spi.BackendHealth;
import dev.pushwire.redis.RedisConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Runs a Redis command for a backend: failures become {@link HubException}s and health. */
public final class RedisCalls {
  private RedisCalls() {}

  /**
   * Runs {@code command}; its stage completes with the result, or fails with a {@link HubException}
   * that names {@code what} and the server. Failures with {@code UNAVAILABLE} are recorded in
   * {@code health} (which logs them, throttled); successes clear it.
   */
  public static <T> CompletableFuture<T> call(
      BackendHealth health,
      RedisConfig config,
      String what,
      Supplier<? extends CompletionStage<T>> command) {
    CompletionStage<T> stage;
    try {
      stage = command.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (v, e) -> {
          if (e == null) {
            health.succeeded();
            result.complete(v);
          } else {
            HubException h =
                RedisErrors.toHubException(e, what, config.address(), config.commandTimeout());
            if (h.code() == ErrorCode.UNAVAILABLE) {
              health.failed(h);
            }
            result.completeExceptionally(h);
          }
        });
    return result;
  }
}
