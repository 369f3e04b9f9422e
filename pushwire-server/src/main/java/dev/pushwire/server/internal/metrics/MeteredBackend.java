package dev.pushwire.server.internal.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What {@link MeteredBroker} and {@link MeteredRegistry} share: the backend they wrap, its calls
 * counted through {@link NodeMetrics#counted} under one backend name, and its health and {@code
 * close()} passed through unchanged.
 *
 * @param <D> the wrapped backend's type
 */
abstract class MeteredBackend<D> {
  /** The wrapped backend's methods that pass through unmeasured. */
  record Passthrough(BooleanSupplier available, Supplier<String> lastError, Runnable close) {}

  final D delegate;
  final NodeMetrics metrics;
  private final String backend;
  private final Passthrough passthrough;

  MeteredBackend(D delegate, NodeMetrics metrics, String backend, Passthrough passthrough) {
    this.delegate = delegate;
    this.metrics = metrics;
    this.backend = backend;
    this.passthrough = passthrough;
  }

  /** The backend this one measures. */
  final D delegate() {
    return delegate;
  }

  /** {@code call} on the wrapped backend, a failure (thrown or completed) counted. */
  final <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    return metrics.counted(backend, call);
  }

  public final boolean isAvailable() {
    return passthrough.available().getAsBoolean();
  }

  public final String lastError() {
    return passthrough.lastError().get();
  }

  public final void close() {
    passthrough.close().run();
  }

  @Override
  public final String toString() {
    return delegate.toString();
  }
}
