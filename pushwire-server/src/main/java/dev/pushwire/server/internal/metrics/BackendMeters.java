package dev.pushwire.server.internal.metrics;

import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.server.internal.backends.Backends;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The health of the broker and the registry as meters: failed calls, reconnects (availability
 * sampled each second) and whether each is up. Failed calls count into {@link NodeCounters} as
 * well.
 */
final class BackendMeters implements AutoCloseable {
  /** How often the backends' availability is sampled for {@code pushwire_backend_reconnects}. */
  private static final Duration BACKEND_SAMPLE_INTERVAL = Duration.ofSeconds(1);

  private final MeterRegistry registry;
  private final NodeCounters counters;
  private final Map<String, Counter> backendErrors = new ConcurrentHashMap<>();
  private final Map<String, Counter> reconnects = new ConcurrentHashMap<>();
  private final Map<String, Boolean> wasAvailable = new ConcurrentHashMap<>();
  private volatile Supplier<List<Backends.Status>> backends = List::of;
  private volatile TimerHandle backendSampler;

  BackendMeters(MeterRegistry registry, NodeCounters counters) {
    this.registry = registry;
    this.counters = counters;
    for (String backend : List.of(NodeMetrics.BROKER, NodeMetrics.REGISTRY)) {
      backendErrors.put(
          backend,
          Counter.builder("pushwire.backend.errors")
              .description("Failed calls to the broker or the registry")
              .tag("backend", backend)
              .register(registry));
      reconnects.put(
          backend,
          Counter.builder("pushwire.backend.reconnects")
              .description(
                  "Times a backend became available again after being unavailable (sampled each"
                      + " second)")
              .tag("backend", backend)
              .register(registry));
    }
  }

  /** Registers whether each backend is up, from {@code backendStatuses}; call once. */
  void bind(Supplier<List<Backends.Status>> backendStatuses) {
    this.backends = backendStatuses;
    for (Backends.Status s : backendStatuses.get()) {
      String role = s.role();
      wasAvailable.put(role, s.available());
      Gauge.builder("pushwire.backend.up", this, m -> m.available(role) ? 1 : 0)
          .description("1 while the backend is reachable")
          .tags("backend", role, "type", s.kind())
          .register(registry);
    }
  }

  /** Starts sampling the backends' availability on {@code server}'s timer. */
  void start(WebSocketServer server) {
    backendSampler = server.tick(BACKEND_SAMPLE_INTERVAL, this::sampleBackends);
  }

  /**
   * A failed call to {@code backend} ({@link NodeMetrics#BROKER} or {@link NodeMetrics#REGISTRY}).
   */
  private void backendError(String backend) {
    backendErrors.get(backend).increment();
    counters.backendError();
  }

  /**
   * Runs one backend call and counts it as a {@code backend} error if its stage fails. The SPI says
   * calls do not throw; one that does still fails only its own stage.
   */
  <T> CompletableFuture<T> counted(String backend, Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> stage;
    try {
      stage = call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete(
        (r, e) -> {
          if (e != null) {
            backendError(backend);
          }
        });
  }

  @Override
  public void close() {
    TimerHandle t = backendSampler;
    if (t != null) {
      t.cancel();
    }
  }

  private boolean available(String role) {
    for (Backends.Status s : backends.get()) {
      if (s.role().equals(role)) {
        return s.available();
      }
    }
    return false;
  }

  private void sampleBackends() {
    for (Backends.Status s : backends.get()) {
      Boolean before = wasAvailable.put(s.role(), s.available());
      if (Boolean.FALSE.equals(before) && s.available()) {
        Counter c = reconnects.get(s.role());
        if (c != null) {
          c.increment();
        }
      }
    }
  }
}
