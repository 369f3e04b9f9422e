package dev.pushwire.server.internal.metrics;

import dev.pushwire.hub.Publication;
import dev.pushwire.server.internal.ChannelClasses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publications the broker accepted or failed and deliveries to this node's fan-out, by channel
 * class ({@link ChannelClasses}), and the publish-to-delivery latency histogram. Fed by {@link
 * MeteredBroker}; counts into {@link NodeCounters} as well.
 */
final class DeliveryMeters {
  private final MeterRegistry registry;
  private final NodeCounters counters;
  private final ChannelClasses classes = new ChannelClasses(ChannelClasses.DEFAULT_MAX);
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();
  private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
  private final Timer latency;

  DeliveryMeters(MeterRegistry registry, NodeCounters counters) {
    this.registry = registry;
    this.counters = counters;
    this.latency =
        Timer.builder("pushwire.delivery.latency")
            .description(
                "Time from a publication's acceptance by the broker to its hand-over to this"
                    + " node's fan-out")
            .serviceLevelObjectives(
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofMillis(2500),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10))
            .register(registry);
  }

  /** A publication the broker accepted from this node. */
  void published(String channel) {
    counters.accepted();
    published
        .computeIfAbsent(
            classes.of(channel),
            c ->
                classCounter(
                    "pushwire.publications",
                    "Publications accepted by the broker from this node",
                    c))
        .increment();
  }

  /** A publication the broker did not accept. */
  void publishFailed(String channel) {
    failed
        .computeIfAbsent(
            classes.of(channel),
            c ->
                classCounter(
                    "pushwire.publications.failed", "Publications the broker failed to accept", c))
        .increment();
  }

  /** The broker hands {@code publication} to this node's fan-out now. */
  void delivering(String channel, Publication publication) {
    long millis = System.currentTimeMillis() - publication.publishedAt();
    // Another node's clock may be ahead of this one's: count that as no delay, not a negative one.
    latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    delivered
        .computeIfAbsent(
            classes.of(channel),
            c ->
                classCounter(
                    "pushwire.deliveries",
                    "Publications handed to this node's subscribers (once each, whatever their number)",
                    c))
        .increment();
    counters.delivered();
  }

  private Counter classCounter(String name, String description, String channelClass) {
    return Counter.builder(name)
        .description(description)
        .tag("channel_class", channelClass)
        .register(registry);
  }
}
