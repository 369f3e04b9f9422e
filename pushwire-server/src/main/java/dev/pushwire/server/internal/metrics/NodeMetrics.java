package dev.pushwire.server.internal.metrics;

import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.Registry;
import dev.pushwire.server.internal.ChannelClasses;
import dev.pushwire.server.internal.Readiness;
import dev.pushwire.server.internal.api.PublisherEndpoint;
import dev.pushwire.server.internal.backends.Backends;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final NodeCounters counters;
  private final DeliveryMeters deliveries;
  private final BackendMeters backends;
  private final RuntimeMeters runtime;
  private final ConnectionMeters connections;
  private final HubMeters hubMeters;

  /** Meters counting into {@code counters} as well (for {@code /api/stats}). */
  public NodeMetrics(NodeCounters counters) {
    this.counters = counters;
    this.deliveries = new DeliveryMeters(registry, counters);
    this.backends = new BackendMeters(registry, counters);
    this.runtime = new RuntimeMeters(registry);
    this.connections = new ConnectionMeters(registry);
    this.hubMeters = new HubMeters(registry);
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
    Gauge.builder("pushwire.node.info", () -> 1)
        .description("This node: its id and the program's version")
        .tags("node", hub.nodeId(), "version", version)
        .register(registry);
    Gauge.builder("pushwire.ready", () -> readiness.check().ready() ? 1 : 0)
        .description("1 while the node is ready for new clients (GET /readyz answers 200)")
        .register(registry);
    connections.bind(server);
    hubMeters.bind(hub, publishers);
    PublisherMeters.bind(registry, counters, connections);
    backends.bind(backendStatuses);
  }

  /** Starts sampling the backends' availability; call once the server is started. */
  public void start(WebSocketServer server) {
    backends.start(server);
  }

  /**
   * The meters in the Prometheus text format (version 0.0.4), once the history figure is fresh (or
   * its reads took longer than 2 seconds).
   */
  public CompletionStage<String> scrape() {
    connections.refresh();
    return hubMeters.refresh().handle((v, e) -> registry.scrape());
  }

  /** The registry, for tests and embedding applications that add their own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    backends.close();
    runtime.close();
    registry.close();
  }

  // ---- fed by the metered broker and registry -------------------------------------------------

  /** A publication the broker accepted from this node. */
  void published(String channel) {
    deliveries.published(channel);
  }

  /** A publication the broker did not accept. */
  void publishFailed(String channel) {
    deliveries.publishFailed(channel);
  }

  /** The broker hands {@code publication} to this node's fan-out now. */
  void delivering(String channel, Publication publication) {
    deliveries.delivering(channel, publication);
  }

  /**
   * Runs one backend call and counts it as a {@code backend} error if its stage fails ({@link
   * #BROKER} or {@link #REGISTRY}).
   */
  <T> CompletableFuture<T> counted(String backend, Supplier<CompletionStage<T>> call) {
    return backends.counted(backend, call);
  }
}
