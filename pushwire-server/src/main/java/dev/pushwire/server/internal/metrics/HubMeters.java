package dev.pushwire.server.internal.metrics;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.api.PublisherEndpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The hub's figures as meters: channels and subscriptions on this node, the in-memory broker's
 * channels, open publisher sockets, the publications kept in history, hub limits that triggered and
 * delivery signals, by reason.
 */
final class HubMeters {
  /** At most this many channels are read for {@code pushwire_history_publications}. */
  static final int HISTORY_SAMPLE_CHANNELS = 200;

  /** How long a scrape waits for the history reads before it answers with the last figure. */
  private static final Duration HISTORY_SAMPLE_TIMEOUT = Duration.ofSeconds(2);

  private final MeterRegistry registry;
  private final Set<String> limitReasons = ConcurrentHashMap.newKeySet();
  private final Set<String> signals = ConcurrentHashMap.newKeySet();
  private volatile Hub hub;
  private volatile double historyPublications;

  HubMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers {@code hub}'s and {@code publishers}' meters; call once. */
  void bind(Hub hub, PublisherEndpoint publishers) {
    this.hub = hub;
    Gauge.builder("pushwire.channels", hub, h -> h.channels().size())
        .description("Channels with subscribers on this node")
        .register(registry);
    if (hub.broker().channelCount() >= 0) {
      Gauge.builder("pushwire.broker.channels", hub, h -> h.broker().channelCount())
          .description(
              "Channels with publications whose offsets and history this node's in-memory broker"
                  + " keeps (at most limits.max-channels)")
          .register(registry);
    }
    Gauge.builder(
            "pushwire.subscriptions",
            hub,
            h -> h.channels().values().stream().mapToLong(Integer::longValue).sum())
        .description("Subscriptions of this node's connections")
        .register(registry);
    Gauge.builder("pushwire.publishers", publishers, PublisherEndpoint::count)
        .description("Open publisher sockets")
        .register(registry);
    Gauge.builder("pushwire.history.publications", this, m -> m.historyPublications)
        .description(
            "Publications kept in the history of the channels with subscribers on this node (at"
                + " most "
                + HISTORY_SAMPLE_CHANNELS
                + " channels read)")
        .register(registry);
  }

  /**
   * Adds the series of limit reasons and signals first seen, and reads the history sizes again; the
   * stage completes when they are read, or after 2 seconds with the last figure.
   */
  CompletableFuture<Void> refresh() {
    Hub h = hub;
    if (h != null) {
      h.limitsTriggered().keySet().forEach(this::limitCounter);
      h.deliverySignals().keySet().forEach(this::signalCounter);
    }
    return sampleHistory();
  }

  private void limitCounter(String reason) {
    if (limitReasons.add(reason)) {
      FunctionCounter.builder(
              "pushwire.limits.triggered",
              this,
              m -> {
                Hub h = m.hub;
                return h == null ? 0 : h.limitsTriggered().getOrDefault(reason, 0L);
              })
          .description(
              "Hub limits that triggered, by reason (rate_limited, garbage_close,"
                  + " too_many_subscriptions, forbidden, ...)")
          .tag("reason", reason)
          .register(registry);
    }
  }

  private void signalCounter(String signal) {
    if (signals.add(signal)) {
      FunctionCounter.builder(
              "pushwire.delivery.signals",
              this,
              m -> {
                Hub h = m.hub;
                return h == null ? 0 : h.deliverySignals().getOrDefault(signal, 0L);
              })
          .description(
              "Times this node told clients it could not deliver everything, by signal (stream_gap:"
                  + " a broker gap it could not fill; resubscribe: unsubscribed notices sent)")
          .tag("signal", signal)
          .register(registry);
    }
  }

  private CompletableFuture<Void> sampleHistory() {
    Hub h = hub;
    if (h == null || h.config().historySize() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Integer>> reads = new ArrayList<>();
    HistoryOptions all = HistoryOptions.latest(h.config().historySize());
    for (String channel : h.channels().keySet()) {
      if (reads.size() == HISTORY_SAMPLE_CHANNELS) {
        break;
      }
      reads.add(
          h.history(channel, all)
              .toCompletableFuture()
              .handle((r, e) -> e == null ? r.publications().size() : 0));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .orTimeout(HISTORY_SAMPLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .thenRun(
            () -> historyPublications = reads.stream().mapToLong(CompletableFuture::join).sum());
  }
}
