package dev.pushwire.server.internal;

import dev.pushwire.core.ServerStats;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Broker;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.Registry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A node's meters, scraped by {@code GET /metrics} in the Prometheus text format: the server's
 * counters (connections, handshakes refused, messages and bytes, slow consumers), publications and
 * deliveries by channel class ({@link ChannelClasses}), the publish-to-delivery latency histogram,
 * history sizes, the backends' health, errors and reconnects, the JVM's memory, GC and threads, and
 * Netty's buffer memory. {@code docs/OPERATIONS.md} lists every name.
 *
 * <p>Each node has its own registry (nothing global), so several nodes in one JVM do not mix. The
 * broker and the registry are measured by wrapping them ({@link #meter(Broker)}, {@link
 * #meter(Registry)}) before the hub gets them.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The {@code backend} label of the broker. */
  static final String BROKER = "broker";

  /** The {@code backend} label of the registry. */
  static final String REGISTRY = "registry";

  /** At most this many channels are read for {@code pushwire_history_publications}. */
  public static final int HISTORY_SAMPLE_CHANNELS = 200;

  /** How long a scrape waits for the history reads before it answers with the last figure. */
  private static final Duration HISTORY_SAMPLE_TIMEOUT = Duration.ofSeconds(2);

  /** How often the backends' availability is sampled for {@code pushwire_backend_reconnects}. */
  private static final Duration BACKEND_SAMPLE_INTERVAL = Duration.ofSeconds(1);

  /** The refusal reasons the server knows; others get their series when first seen. */
  private static final List<String> REFUSAL_REASONS =
      List.of(
          "origin",
          "max_connections",
          "max_connections_per_ip",
          "bad_request",
          "too_large",
          "version",
          "timeout",
          "application",
          "not_found",
          "error");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final NodeCounters counters;
  private final ChannelClasses classes;
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();
  private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
  private final Map<String, Counter> backendErrors = new ConcurrentHashMap<>();
  private final Map<String, Counter> reconnects = new ConcurrentHashMap<>();
  private final Map<String, Boolean> wasAvailable = new ConcurrentHashMap<>();
  private final Set<String> refusalReasons = ConcurrentHashMap.newKeySet();
  private final Set<Integer> closeCodes = ConcurrentHashMap.newKeySet();
  private final Set<String> limitReasons = ConcurrentHashMap.newKeySet();
  private final Set<String> signals = ConcurrentHashMap.newKeySet();
  private final Timer latency;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private volatile ServerStats stats;
  private volatile double historyPublications;
  private volatile WebSocketServer server;
  private volatile Hub hub;
  private volatile Supplier<List<Backends.Status>> backends = List::of;
  private volatile TimerHandle backendSampler;

  /** Meters counting into {@code counters} as well (for {@code /api/stats}). */
  public NodeMetrics(NodeCounters counters) {
    this.counters = counters;
    this.classes = new ChannelClasses(ChannelClasses.DEFAULT_MAX);
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
    for (String backend : List.of(BROKER, REGISTRY)) {
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
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    bindNettyMemory();
  }

  /** {@code broker}, measured: publications, deliveries with their latency, errors. */
  public Broker meter(Broker broker) {
    return new MeteredBroker(broker, this);
  }

  /** {@code registry}, measured: errors. */
  public Registry meter(Registry registry) {
    return new MeteredRegistry(registry, this);
  }

  /**
   * Registers the figures of a node's parts; call once, after the hub is made.
   *
   * @param server the WebSocket server
   * @param hub the hub
   * @param publishers the publisher socket
   * @param backendStatuses the broker's and the registry's status
   * @param readiness the node's readiness
   * @param version the program's version, for {@code pushwire_node_info}
   */
  public void bind(
      WebSocketServer server,
      Hub hub,
      PublisherEndpoint publishers,
      Supplier<List<Backends.Status>> backendStatuses,
      Readiness readiness,
      String version) {
    this.server = server;
    this.hub = hub;
    this.backends = backendStatuses;
    this.stats = server.stats();
    Gauge.builder("pushwire.node.info", () -> 1)
        .description("This node: its id and the program's version")
        .tags("node", hub.nodeId(), "version", version)
        .register(registry);
    Gauge.builder("pushwire.ready", () -> readiness.check().ready() ? 1 : 0)
        .description("1 while the node is ready for new clients (GET /readyz answers 200)")
        .register(registry);
    Gauge.builder("pushwire.connections", this, m -> m.stats.connections())
        .description("Open WebSocket connections (subscribers and publishers)")
        .register(registry);
    serverCounter(
        "pushwire.connections.opened",
        "WebSocket connections opened",
        null,
        s -> s.connectionsOpened());
    serverCounter(
        "pushwire.messages.received",
        "Whole messages received from clients",
        null,
        s -> s.messagesIn());
    serverCounter(
        "pushwire.messages.sent", "Messages queued to clients", null, s -> s.messagesOut());
    serverCounter(
        "pushwire.received",
        "Payload bytes received from clients (after inflation)",
        "bytes",
        s -> s.bytesIn());
    serverCounter(
        "pushwire.sent",
        "Payload bytes queued to clients (before compression)",
        "bytes",
        s -> s.bytesOut());
    serverCounter(
        "pushwire.slow.consumer.drops",
        "Messages skipped for connections above their outbound buffer limit",
        null,
        s -> s.slowConsumerDrops());
    serverCounter(
        "pushwire.slow.consumer.closes",
        "Connections closed by the slow-consumer policy",
        null,
        s -> s.slowConsumerCloses());
    REFUSAL_REASONS.forEach(this::refusalCounter);
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
    FunctionCounter.builder("pushwire.api.too.large", this, m -> m.counters.tooLargeCount(m.stats))
        .description(
            "HTTP requests refused with 413 for a body over api.max-body-size, by the engine or"
                + " the API")
        .register(registry);
    for (Backends.Status s : backendStatuses.get()) {
      String role = s.role();
      wasAvailable.put(role, s.available());
      Gauge.builder("pushwire.backend.up", this, m -> m.available(role) ? 1 : 0)
          .description("1 while the backend is reachable")
          .tags("backend", role, "type", s.kind())
          .register(registry);
    }
  }

  /** Starts sampling the backends' availability; call once the server is started. */
  public void start(WebSocketServer server) {
    backendSampler = server.tick(BACKEND_SAMPLE_INTERVAL, this::sampleBackends);
  }

  /**
   * The meters in the Prometheus text format (version 0.0.4), once the history figure is fresh (or
   * its reads took longer than 2 seconds).
   */
  public CompletionStage<String> scrape() {
    WebSocketServer s = server;
    if (s != null) {
      ServerStats snapshot = s.stats();
      snapshot.handshakesRefused().keySet().forEach(this::refusalCounter);
      snapshot.protocolCloses().keySet().forEach(this::closeCounter);
      stats = snapshot;
    }
    Hub h = hub;
    if (h != null) {
      h.limitsTriggered().keySet().forEach(this::limitCounter);
      h.deliverySignals().keySet().forEach(this::signalCounter);
    }
    return sampleHistory().handle((v, e) -> registry.scrape());
  }

  /** The registry, for tests and embedding applications that add their own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    TimerHandle t = backendSampler;
    if (t != null) {
      t.cancel();
    }
    gc.close();
    registry.close();
  }

  // ---- fed by the metered broker and registry -------------------------------------------------

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

  /** A failed call to {@code backend} ({@link #BROKER} or {@link #REGISTRY}). */
  void backendError(String backend) {
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

  // ---- internals ----------------------------------------------------------------------------

  private Counter classCounter(String name, String description, String channelClass) {
    return Counter.builder(name)
        .description(description)
        .tag("channel_class", channelClass)
        .register(registry);
  }

  private void serverCounter(
      String name, String description, String unit, ToDoubleFunction<ServerStats> value) {
    FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  private void refusalCounter(String reason) {
    if (refusalReasons.add(reason)) {
      FunctionCounter.builder(
              "pushwire.handshakes.refused",
              this,
              m -> m.stats.handshakesRefused().getOrDefault(reason, 0L))
          .description("WebSocket upgrades refused (and HTTP connections dropped), by reason")
          .tag("reason", reason)
          .register(registry);
    }
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

  private void closeCounter(int code) {
    if (closeCodes.add(code)) {
      FunctionCounter.builder(
              "pushwire.protocol.closes",
              this,
              m -> m.stats.protocolCloses().getOrDefault(code, 0L))
          .description("Connections closed for a protocol violation, by close code")
          .tag("code", Integer.toString(code))
          .register(registry);
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

  private void bindNettyMemory() {
    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
      ByteBufAllocatorMetric metric = provider.metric();
      String name = allocator.getClass().getSimpleName();
      Gauge.builder(
              "pushwire.netty.allocator.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
          .description("Memory held by Netty's buffer allocator")
          .tags(Tags.of("allocator", name, "area", "direct"))
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("pushwire.netty.allocator.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
          .description("Memory held by Netty's buffer allocator")
          .tags(Tags.of("allocator", name, "area", "heap"))
          .baseUnit("bytes")
          .register(registry);
    }
    if (PlatformDependent.usedDirectMemory() >= 0) {
      Gauge.builder("pushwire.netty.direct.used", PlatformDependent::usedDirectMemory)
          .description(
              "Direct memory Netty has reserved, of at most pushwire_netty_direct_max_bytes")
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("pushwire.netty.direct.max", PlatformDependent::maxDirectMemory)
          .description("Direct memory Netty may reserve")
          .baseUnit("bytes")
          .register(registry);
    }
  }
}
