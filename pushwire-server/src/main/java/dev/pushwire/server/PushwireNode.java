package dev.pushwire.server;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.internal.Transport;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.server.internal.BuildInfo;
import dev.pushwire.server.internal.NodeContext;
import dev.pushwire.server.internal.Readiness;
import dev.pushwire.server.internal.TickPublisher;
import dev.pushwire.server.internal.WarmupClient;
import dev.pushwire.server.internal.WarmupLogFilter;
import dev.pushwire.server.internal.api.ApiKeys;
import dev.pushwire.server.internal.api.ApiRouter;
import dev.pushwire.server.internal.api.ApiRoutes;
import dev.pushwire.server.internal.api.DashboardAccess;
import dev.pushwire.server.internal.api.DashboardRoutes;
import dev.pushwire.server.internal.api.OperationsRoutes;
import dev.pushwire.server.internal.api.PublisherEndpoint;
import dev.pushwire.server.internal.api.StaticAssets;
import dev.pushwire.server.internal.auth.ChannelRules;
import dev.pushwire.server.internal.auth.ConnectionAuth;
import dev.pushwire.server.internal.backends.Backends;
import dev.pushwire.server.internal.backends.ClusterConnections;
import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.metrics.NodeCounters;
import dev.pushwire.server.internal.metrics.NodeMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push node, what {@code pushwire serve} runs: a {@link WebSocketServer} with a {@link Hub} on
 * the backends its config names (the embedded memory ones by default; Redis or Memcached to share
 * them between nodes, see {@code docs/CLUSTER.md}), and three ways to publish in front of it:
 *
 * <ul>
 *   <li>the HTTP API under {@code /api/} on the same port, with the dashboard at {@code /} and the
 *       browser client at {@code /pushwire.js} beside it, and {@code GET /healthz}, {@code /readyz}
 *       and {@code /metrics} (Prometheus) for operators, without a key;
 *   <li>the publisher socket at {@link ServerConfig#publisherPath()}, which needs an API key;
 *   <li>the timer ({@link ServerConfig#tickPeriod()}), which needs no client at all.
 * </ul>
 *
 * Subscribers connect to {@code paths} of {@link ServerConfig#core()}: plain clients receive raw
 * payloads of the channels named in their URL, {@code pushwire.v1} clients speak the JSON protocol.
 *
 * <pre>{@code
 * try (PushwireNode node = PushwireNode.create(ServerConfig.newBuilder().port(0).build())) {
 *   int port = node.start();
 *   node.hub().publishText("default", "hello");
 * }
 * }</pre>
 */
public final class PushwireNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushwireNode.class);

  /** How long {@link #close()} lets clients finish. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  /** Warm-up handshakes in flight: enough to keep both event loops busy. */
  private static final int WARMUP_CONCURRENCY = 64;

  /** A warm-up that takes longer (a very busy machine) stops there: the start must not hang. */
  private static final Duration WARMUP_DEADLINE = Duration.ofSeconds(20);

  /** How long the warm-up waits at most for the compilations it caused. */
  private static final Duration WARMUP_COMPILER_WAIT = Duration.ofSeconds(3);

  private static final long COMPILER_QUIET_MILLIS = 100;

  private final ServerConfig config;
  private final List<String> apiKeys;
  private final boolean apiKeyGenerated;
  private final WebSocketServer server;
  private final Hub hub;
  private final Backends backends;
  private final NodeCounters counters = new NodeCounters();
  private final NodeMetrics metrics = new NodeMetrics(counters);
  private final Readiness readiness;
  private final PublisherEndpoint publishers;

  /** Where the warm-up's throwaway copy listens: loopback; {@code null} on that copy itself. */
  private final String warmupHost;

  /** The warm-up under way, for {@link #cancelWarmUp()}; null before and after it. */
  private volatile WarmupClient warmup;

  private volatile boolean warmupCancelled;
  private volatile TimerHandle tick;
  private volatile boolean serving;

  private PushwireNode(ServerConfig config, String warmupHost) {
    this.config = config;
    this.warmupHost = warmupHost;
    AuthSettings authSettings = config.auth();
    if (config.clientPublish() && authSettings.clientPublishChannels().isEmpty()) {
      authSettings = authSettings.withClientPublishChannels(List.of("*"));
    }
    ConnectionAuth auth = new ConnectionAuth(authSettings, Clock.systemUTC()); // checks the keys
    if (config.apiKeys().isEmpty()) {
      this.apiKeys = List.of(ApiKeys.generate());
      this.apiKeyGenerated = true;
    } else {
      this.apiKeys = config.apiKeys();
      this.apiKeyGenerated = false;
    }
    ApiKeys keys =
        ApiKeys.withScopes(
            apiKeys, config.adminSecret() == null ? List.of() : List.of(config.adminSecret()));
    this.server = WebSocketServer.create(serverSettings(config));
    HubConfig hubConfig = hubConfig(config);
    this.backends = Backends.open(config.backends(), hubConfig.nodeId());
    this.readiness = new Readiness(backends::problems);
    try {
      this.hub =
          Hub.create(
              server,
              hubConfig,
              metrics.meter(backends.broker()),
              metrics.meter(backends.registry()));
    } catch (RuntimeException e) {
      backends.close();
      metrics.close();
      throw e;
    }
    this.publishers = new PublisherEndpoint(config.publisherPath(), keys, hub, counters);
    hub.accessPolicy(new ChannelRules(authSettings, auth::token, auth.verifier()));
    hub.userResolver(auth);
    hub.commandHandler(auth);
    auth.hub(hub);
    hub.manages(info -> !publishers.owns(info.path()));
    hub.onOpen(
        (srv, info) -> {
          publishers.opened(info);
          if (!publishers.owns(info.path())) {
            auth.opened(srv, info);
          }
        });
    hub.onMessage(
        (srv, message) -> {
          if (!publishers.message(srv, message)) {
            log.debug(
                "connection {}: ignored a message from a plain client (plain clients cannot"
                    + " publish)",
                message.connectionId());
          }
        });
    hub.onClose(
        (srv, event) -> {
          publishers.closed(event.connectionId());
          auth.closed(event.connectionId());
        });
    boolean throwaway = warmupHost == null;
    server.onHandshake(
        request -> {
          if (throwaway) {
            WarmupLogFilter.mark(); // an event loop of the copy: its connections are not news
          }
          return publishers.owns(request.path())
              ? publishers.handshake(request)
              : checkSubscriber(auth, request);
        });
    ClusterConnections cluster = new ClusterConnections(server, hub, publishers, backends);
    backends.onNodeMessage(cluster);
    Instant startedAt = Instant.now();
    NodeContext context =
        new NodeContext(server, hub, counters, publishers, startedAt, backends, cluster);
    metrics.bind(server, hub, publishers, backends::statuses, readiness, BuildInfo.version());
    server.onRequest(
        new OperationsRoutes(
            readiness,
            metrics,
            hub::nodeId,
            server,
            startedAt,
            new DashboardRoutes(
                DashboardAccess.of(config),
                StaticAssets.load(),
                config.core().paths(),
                new ApiRouter(
                    keys, config.core().maxHttpBodySize(), new ApiRoutes(context), counters))));
  }

  /** A subscriber's handshake: its token first (401), then its channels (400). */
  private HandshakeDecision checkSubscriber(ConnectionAuth auth, HandshakeRequest request) {
    HandshakeDecision token = auth.check(request);
    return token.accepted() ? hub.checkHandshake(request) : token;
  }

  /** A node with {@code config}; nothing is bound until {@link #start()}. */
  public static PushwireNode create(ServerConfig config) {
    return create(config, InetAddress.getLoopbackAddress().getHostAddress());
  }

  /** A node whose warm-up copy listens on {@code warmupHost} (tests make it fail). */
  static PushwireNode create(ServerConfig config, String warmupHost) {
    return new PushwireNode(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(warmupHost, "host"));
  }

  /**
   * Warms up (see {@link ServerConfig#warmupConnections()}), then binds and starts serving, and
   * starts the timer if one is configured. A warm-up that fails is logged as a warning: the node
   * starts anyway, its first connections only slower.
   *
   * @return the bound port (useful with port 0)
   * @throws java.io.UncheckedIOException when the port cannot be bound
   */
  public int start() {
    int port;
    try {
      if (config.warmupConnections() > 0 && warmupHost != null) {
        checkPortFree(); // a taken port is an error at once, not after the warm-up
        warmUp();
      }
      port = server.start();
    } catch (RuntimeException e) {
      hub.close();
      backends.close();
      metrics.close();
      throw e;
    }
    serving = true;
    readiness.serving();
    metrics.start(server);
    if (!config.tickPeriod().isZero()) {
      tick =
          server.tick(
              config.tickPeriod(),
              new TickPublisher(
                  hub, config.tickChannel(), config.tickData(), counters, Clock.systemUTC()));
    }
    if (warmupHost == null) {
      return port; // the warm-up's copy: its start is no news either
    }
    log.info(
        "node {} ready: subscribers at {}, publishers at {}, HTTP API at /api/{}",
        hub.nodeId(),
        config.core().paths(),
        config.publisherPath(),
        config.tickPeriod().isZero()
            ? ""
            : ", publishing to "
                + config.tickChannel()
                + " every "
                + DurationText.format(config.tickPeriod()));
    return port;
  }

  /**
   * Has the JIT compiler compile the path of a burst of new clients (the herd that reconnects after
   * another node stopped): starts a copy of this node on loopback, with its own memory backends,
   * metrics and no timer, makes {@link ServerConfig#warmupConnections()} connections to it that
   * each upgrade, subscribe, send a message and close, and stops it. Compiled code belongs to the
   * classes, not to the objects, so this node runs it; nothing the copy did shows in this node's
   * registry, presence, channels, metrics or logs. Before {@link #start()} binds, so that no client
   * meets a half-warm node.
   */
  private void warmUp() {
    int connections = config.warmupConnections();
    long began = System.nanoTime();
    long cpuBefore = processCpuNanos();
    WarmupClient.Result result = null;
    log.debug("node {}: warming up with {} connections", hub.nodeId(), connections);
    WarmupLogFilter.install();
    WarmupLogFilter.mark();
    try (PushwireNode copy = new PushwireNode(warmupConfig(config, warmupHost), null)) {
      int port = copy.start();
      WarmupClient client =
          new WarmupClient(
              Transport.choose(config.core().nativeTransport()),
              warmupHost,
              port,
              config.core().paths().get(0),
              Hub.SUBPROTOCOL);
      warmup = client;
      if (warmupCancelled) {
        client.cancel();
      }
      result = client.run(connections, WARMUP_CONCURRENCY, WARMUP_DEADLINE);
      copy.stop(Duration.ofSeconds(1));
      if (!client.cancelled()) {
        awaitCompilerIdle(WARMUP_COMPILER_WAIT);
      }
      trimNativeHeap();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn(
          "node {}: the warm-up failed, so the first clients meet a cold node: {}",
          hub.nodeId(),
          e.getCause() instanceof IOException io ? io.getMessage() : e.toString());
      return;
    } finally {
      warmup = null;
      WarmupLogFilter.unmark();
      WarmupLogFilter.uninstall();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    long cpuMillis =
        cpuBefore < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpuBefore);
    if (result == null) {
      log.warn("node {}: the warm-up was interrupted after {} ms", hub.nodeId(), millis);
    } else if (warmupCancelled) {
      log.info(
          "node {}: the warm-up was cut short by the stop request after {} ms",
          hub.nodeId(),
          millis);
    } else if (result.opened() == 0) {
      log.warn(
          "node {}: the warm-up opened no connection ({}), so the first clients meet a cold node",
          hub.nodeId(),
          result.firstFailure());
    } else {
      log.info(
          "node {}: warmed up with {} connections in {} ms ({} ms of CPU){}",
          hub.nodeId(),
          result.opened(),
          millis,
          cpuMillis,
          result.failed() == 0
              ? ""
              : "; " + result.failed() + " did not open: " + result.firstFailure());
    }
  }

  /**
   * Cuts a warm-up under way (or one about to begin) short: the node was asked to stop while it
   * started, and its drain should not wait for a warm-up nobody will profit from. From any thread.
   */
  public void cancelWarmUp() {
    warmupCancelled = true;
    WarmupClient w = warmup;
    if (w != null) {
      w.cancel();
    }
  }

  /**
   * Fails as {@link WebSocketServer#start()} would if the port is in use, by binding it and letting
   * it go again. Port 0 is always free, and with {@code SO_REUSEPORT} another listener is allowed.
   */
  private void checkPortFree() {
    ServerSettings core = config.core();
    if (core.port() == 0 || core.reusePort()) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(core.host(), core.port()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot listen on " + core.host() + ":" + core.port() + ": " + e.getMessage(), e));
    }
  }

  /**
   * The copy a warm-up talks to: this config on {@code host}, any free port, with the memory
   * backends, no tokens to check, no timer, no per-address limit (every warm-up connection comes
   * from loopback), and no warm-up of its own.
   */
  static ServerConfig warmupConfig(ServerConfig config, String host) {
    return config.toBuilder()
        .host(host)
        .port(0)
        .nodeId(null)
        .backends(BackendSettings.DEFAULT)
        .auth(AuthSettings.DEFAULT)
        .tickPeriod(Duration.ZERO)
        .maxConnectionsPerIp(0)
        .maxConnections(Math.max(config.core().maxConnections(), WARMUP_CONCURRENCY))
        .drainNotice(Duration.ZERO)
        .warmupConnections(0)
        .build();
  }

  /**
   * Gives the C heap the compilers used for the warm-up back to the system now rather than at the
   * launcher's next periodic trim (5 s later): a fresh node starts about 8 MB smaller. The JVM's
   * {@code System.trim_native_heap} command (Java 17.0.9+, 21+, on glibc); nothing where it is
   * missing.
   */
  private static void trimNativeHeap() {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .invoke(
              new ObjectName("com.sun.management:type=DiagnosticCommand"),
              "systemTrimNativeHeap",
              new Object[] {new String[0]},
              new String[] {String[].class.getName()});
    } catch (JMException | RuntimeException e) {
      log.debug("no native heap trim after the warm-up: {}", e.toString());
    }
  }

  /**
   * Waits, at most {@code max}, until the JIT compiler has finished no compilation for {@value
   * #COMPILER_QUIET_MILLIS} ms: what the warm-up queued is then compiled and installed, rather than
   * compiled while the first clients wait. A deliberate wait on the starting thread.
   */
  private static void awaitCompilerIdle(Duration max) throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long end = System.nanoTime() + max.toNanos();
    long seen = jit.getTotalCompilationTime();
    while (System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.sleep(COMPILER_QUIET_MILLIS);
      long now = jit.getTotalCompilationTime();
      if (now == seen) {
        return;
      }
      seen = now;
    }
  }

  /** The CPU time of the whole process (JIT compiler threads included), or -1 if unknown. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** The bound port, or -1 before {@link #start()}. */
  public int port() {
    return server.port();
  }

  /** The settings this node was created with. */
  public ServerConfig config() {
    return config;
  }

  /** The keys the HTTP API and the publisher socket accept. */
  public List<String> apiKeys() {
    return apiKeys;
  }

  /** Whether the config had no key, so the node generated {@link #apiKeys()}. */
  public boolean apiKeyGenerated() {
    return apiKeyGenerated;
  }

  /** The WebSocket server. */
  public WebSocketServer server() {
    return server;
  }

  /** The hub: publish, history and presence from Java. */
  public Hub hub() {
    return hub;
  }

  /**
   * Turns readiness false ({@code GET /readyz} answers 503 {@code draining}) and keeps serving: the
   * first step of {@link #drain}, also useful alone to let a load balancer move new clients away
   * before a planned stop.
   *
   * @return whether this call turned it false (false if a drain had begun before)
   */
  public boolean beginDrain() {
    return readiness.draining();
  }

  /** Whether the node should get new clients: serving, not draining, every backend reachable. */
  public boolean isReady() {
    return readiness.check().ready();
  }

  /**
   * Stops gracefully within {@code deadline}, what SIGTERM does: readiness turns false, the port
   * stops accepting, every client is closed with 1001 after the messages already queued for it
   * (those still open near the deadline are closed at once), the node removes its records from the
   * registry, and the backends are closed. Publications the broker accepted before this call have
   * been handed to the connections by then, so they are delivered before the close. Returns when
   * done; idempotent.
   */
  public void drain(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    if (beginDrain()) {
      log.info(
          "node {}: draining: closing {} connections with 1001 within {}",
          hub.nodeId(),
          server.connectionCount(),
          DurationText.format(deadline));
    }
    awaitDrainNotice(deadline);
    // Keep a quarter of the deadline (up to 2 s) for leaving the registry and closing backends.
    Duration reserve = deadline.dividedBy(4);
    if (reserve.compareTo(Duration.ofSeconds(2)) > 0) {
      reserve = Duration.ofSeconds(2);
    }
    stopServing(deadline.minus(reserve));
    leaveRegistry(Duration.ofNanos(Math.max(end - System.nanoTime(), 1_000_000)));
    closeBackends();
  }

  /**
   * Keeps serving until {@code drain-notice} (at most half the deadline) has passed since the drain
   * began, so that load balancers polling {@code /readyz} stop sending new clients before the
   * listener closes. A deliberate wait on the thread that drains, never on an event loop.
   */
  private void awaitDrainNotice(Duration deadline) {
    Duration notice = config.drainNotice();
    Duration half = deadline.dividedBy(2);
    if (notice.compareTo(half) > 0) {
      notice = half;
    }
    long until = readiness.drainingSinceNanos() + notice.toNanos();
    long left = until - System.nanoTime();
    if (left <= 0) {
      return;
    }
    log.info(
        "node {}: /readyz says draining; the listener closes in {}",
        hub.nodeId(),
        DurationText.format(Duration.ofNanos(left)));
    try {
      TimeUnit.NANOSECONDS.sleep(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops: the timer, then the server (closing every client with 1001 within {@code grace}), then
   * the hub, which removes this node's records from the registry. Idempotent.
   */
  public void stop(Duration grace) {
    readiness.draining();
    stopServing(grace);
    closeBackends();
  }

  private void stopServing(Duration grace) {
    TimerHandle t = tick;
    if (t != null) {
      t.cancel();
    }
    if (serving) {
      server.stop(grace);
    }
  }

  /** Removes this node's records from the registry, waiting up to {@code wait}, and says so. */
  private void leaveRegistry(Duration wait) {
    try {
      hub.registry()
          .removeNode(hub.nodeId())
          .toCompletableFuture()
          .get(wait.toNanos(), TimeUnit.NANOSECONDS);
      log.info("node {}: removed its connection records from the registry", hub.nodeId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "node {}: removing its records from the registry failed: {}",
          hub.nodeId(),
          e instanceof TimeoutException
              ? "no answer within " + DurationText.format(wait)
              : e.getCause());
    }
  }

  private void closeBackends() {
    hub.close();
    backends.close(); // after the hub, which removes this node's records through the registry
    metrics.close();
    readiness.stopped();
  }

  /** {@link #stop(Duration)} with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  /**
   * The WebSocket server's settings: the config's {@link ServerConfig#core()}, which the node
   * extends with what it serves itself: the publisher socket's path and the {@code pushwire.v1}
   * subprotocol.
   */
  static ServerSettings serverSettings(ServerConfig config) {
    List<String> paths = new ArrayList<>(config.core().paths());
    paths.add(config.publisherPath());
    return config.core().toBuilder().paths(paths).subprotocols(Hub.SUBPROTOCOL).build();
  }

  /** The hub's settings: the config's {@link ServerConfig#hub()}. */
  static HubConfig hubConfig(ServerConfig config) {
    // Without a node-id each node picks its own, so that two nodes from one config never share one.
    return config.nodeId() == null ? config.hub().toBuilder().nodeId(null).build() : config.hub();
  }
}
