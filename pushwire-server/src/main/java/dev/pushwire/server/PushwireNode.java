package dev.pushwire.server;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.server.internal.ApiKeys;
import dev.pushwire.server.internal.ApiRouter;
import dev.pushwire.server.internal.ApiRoutes;
import dev.pushwire.server.internal.DurationText;
import dev.pushwire.server.internal.NodeContext;
import dev.pushwire.server.internal.NodeCounters;
import dev.pushwire.server.internal.PublisherEndpoint;
import dev.pushwire.server.internal.TickPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push node, what {@code pushwire serve} runs: a {@link WebSocketServer} with a {@link Hub} on
 * the embedded memory backends, and three ways to publish in front of it:
 *
 * <ul>
 *   <li>the HTTP API under {@code /api/} on the same port (and {@code GET /healthz});
 *   <li>the publisher socket at {@link ServerConfig#publisherPath()}, which needs an API key;
 *   <li>the timer ({@link ServerConfig#tickPeriod()}), which needs no client at all.
 * </ul>
 *
 * Subscribers connect to {@link ServerConfig#paths()}: plain clients receive raw payloads of the
 * channels named in their URL, {@code pushwire.v1} clients speak the JSON protocol.
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

  private final ServerConfig config;
  private final List<String> apiKeys;
  private final boolean apiKeyGenerated;
  private final WebSocketServer server;
  private final Hub hub;
  private final NodeCounters counters = new NodeCounters();
  private final PublisherEndpoint publishers;
  private volatile TimerHandle tick;
  private volatile boolean serving;

  private PushwireNode(ServerConfig config) {
    this.config = config;
    if (config.apiKeys().isEmpty()) {
      this.apiKeys = List.of(ApiKeys.generate());
      this.apiKeyGenerated = true;
    } else {
      this.apiKeys = config.apiKeys();
      this.apiKeyGenerated = false;
    }
    ApiKeys keys = new ApiKeys(apiKeys);
    this.server = WebSocketServer.create(serverSettings(config));
    this.hub = Hub.create(server, hubConfig(config));
    this.publishers = new PublisherEndpoint(config.publisherPath(), keys, hub, counters);
    boolean clientPublish = config.clientPublish();
    hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canPublish(ConnectionInfo connection, String channel) {
            return clientPublish;
          }
        });
    hub.manages(info -> !publishers.owns(info.path()));
    hub.onOpen((srv, info) -> publishers.opened(info));
    hub.onMessage(
        (srv, message) -> {
          if (!publishers.message(srv, message)) {
            log.debug(
                "connection {}: ignored a message from a plain client (plain clients cannot"
                    + " publish)",
                message.connectionId());
          }
        });
    hub.onClose((srv, event) -> publishers.closed(event.connectionId()));
    server.onHandshake(
        request ->
            publishers.owns(request.path())
                ? publishers.handshake(request)
                : hub.checkHandshake(request));
    NodeContext context = new NodeContext(server, hub, counters, publishers, Instant.now());
    server.onRequest(new ApiRouter(keys, config.maxBodySize(), new ApiRoutes(context), counters));
  }

  /** A node with {@code config}; nothing is bound until {@link #start()}. */
  public static PushwireNode create(ServerConfig config) {
    return new PushwireNode(Objects.requireNonNull(config, "config"));
  }

  /**
   * Binds and starts serving, and starts the timer if one is configured.
   *
   * @return the bound port (useful with port 0)
   * @throws java.io.UncheckedIOException when the port cannot be bound
   */
  public int start() {
    int port;
    try {
      port = server.start();
    } catch (RuntimeException e) {
      hub.close();
      throw e;
    }
    serving = true;
    if (!config.tickPeriod().isZero()) {
      tick =
          server.tick(
              config.tickPeriod(),
              new TickPublisher(
                  hub, config.tickChannel(), config.tickData(), counters, Clock.systemUTC()));
    }
    log.info(
        "node {} ready: subscribers at {}, publishers at {}, HTTP API at /api/{}",
        hub.nodeId(),
        config.paths(),
        config.publisherPath(),
        config.tickPeriod().isZero()
            ? ""
            : ", publishing to "
                + config.tickChannel()
                + " every "
                + DurationText.format(config.tickPeriod()));
    return port;
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
   * Stops: the timer, then the server (closing every client with 1001 within {@code grace}), then
   * the hub. Idempotent.
   */
  public void stop(Duration grace) {
    TimerHandle t = tick;
    if (t != null) {
      t.cancel();
    }
    if (serving) {
      server.stop(grace);
    }
    hub.close();
  }

  /** {@link #stop(Duration)} with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  /** The WebSocket server's settings for {@code config}. */
  static ServerSettings serverSettings(ServerConfig config) {
    List<String> paths = new ArrayList<>(config.paths());
    paths.add(config.publisherPath());
    return ServerSettings.newBuilder()
        .host(config.host())
        .port(config.port())
        .paths(paths)
        .subprotocols(Hub.SUBPROTOCOL)
        .allowedOrigins(config.allowedOrigins())
        .maxConnections(config.maxConnections())
        .maxMessageSize(config.maxMessageSize())
        .pingInterval(config.pingInterval())
        .idleTimeout(config.idleTimeout())
        .compression(config.compression())
        .slowConsumerPolicy(config.slowConsumerPolicy())
        // The API answers bodies over api.max-body-size with a JSON 413 itself; the server's own
        // limit, twice that, only bounds memory (beyond it the server answers a bare 413).
        .maxHttpBodySize((int) Math.min(Integer.MAX_VALUE, 2L * config.maxBodySize()))
        .build();
  }

  /** The hub's settings for {@code config}. */
  static HubConfig hubConfig(ServerConfig config) {
    Duration metaTtl =
        config.historyTtl().compareTo(HubConfig.DEFAULT_HISTORY_META_TTL) > 0
            ? config.historyTtl()
            : HubConfig.DEFAULT_HISTORY_META_TTL;
    return HubConfig.newBuilder()
        .nodeId(config.nodeId())
        .historySize(config.historySize())
        .historyTtl(config.historyTtl())
        .historyMetaTtl(metaTtl)
        .maxSubscriptionsPerConnection(config.maxSubscriptions())
        .build();
  }
}
