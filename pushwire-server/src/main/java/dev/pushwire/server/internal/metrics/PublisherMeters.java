package dev.pushwire.server.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Publications by publisher (the HTTP API, the publisher socket, the timer) and the HTTP API's
 * requests, read from the node's {@link NodeCounters}.
 */
final class PublisherMeters {
  private PublisherMeters() {}

  /**
   * Registers the meters of {@code counters}; requests refused as too large also count the
   * server's, read from {@code connections}.
   */
  static void bind(MeterRegistry registry, NodeCounters counters, ConnectionMeters connections) {
    for (NodeCounters.Source source : NodeCounters.Source.values()) {
      String name = source.name().toLowerCase(Locale.ROOT);
      FunctionCounter.builder(
              "pushwire.publisher.publications",
              counters,
              c -> c.published().get(name).doubleValue())
          .description("Publications by publisher: the HTTP API, the publisher socket, the timer")
          .tags("source", name, "result", "accepted")
          .register(registry);
      FunctionCounter.builder(
              "pushwire.publisher.publications", counters, c -> c.failed().get(name).doubleValue())
          .description("Publications by publisher: the HTTP API, the publisher socket, the timer")
          .tags("source", name, "result", "failed")
          .register(registry);
    }
    FunctionCounter.builder("pushwire.api.requests", counters, NodeCounters::apiRequests)
        .description("HTTP API requests")
        .register(registry);
    FunctionCounter.builder(
            "pushwire.api.unauthorized", counters, NodeCounters::apiUnauthorizedCount)
        .description("HTTP API requests refused for a missing or wrong key")
        .register(registry);
    FunctionCounter.builder(
            "pushwire.api.too.large", connections, m -> counters.tooLargeCount(m.stats()))
        .description(
            "HTTP requests refused with 413 for a body over api.max-body-size, by the engine or"
                + " the API")
        .register(registry);
  }
}
