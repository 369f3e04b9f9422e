package dev.pushwire.server;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.server.internal.config.ConfigKey;
import dev.pushwire.server.internal.config.ConfigSchema;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

/**
 * Immutable settings of a {@link PushwireNode}: everything {@code pushwire serve} can be told,
 * whether from the YAML file, {@code PUSHWIRE_*} environment variables or flags (see {@link
 * ConfigLoader} and {@code docs/pushwire.example.yaml}). It is made of the parts the node hands on
 * as they are: the WebSocket engine's {@link #core()}, the {@link #hub()}, {@link #auth()} and
 * {@link #backends()}; the rest are the node's own settings. Build with {@link #newBuilder()};
 * derive with {@link #toBuilder()}; {@link ServerConfigBuilder#build()} checks every value and
 * names the bad one by its YAML key.
 */
public final class ServerConfig {
  public static final String DEFAULT_HOST = ServerSettings.DEFAULT_HOST;
  public static final int DEFAULT_PORT = ServerSettings.DEFAULT_PORT;
  public static final List<String> DEFAULT_PATHS = List.of("/", "/ws");
  public static final String DEFAULT_PUBLISHER_PATH = "/publish";
  public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
  public static final String DEFAULT_TICK_CHANNEL = HubConfig.DEFAULT_CHANNEL;
  public static final Duration MIN_TICK_PERIOD = Duration.ofMillis(10);
  public static final int MAX_HISTORY_SIZE = HubConfig.MAX_HISTORY_SIZE;

  /** {@code max-connections-per-ip} by default: generous for NAT, small against one flooder. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1000;

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration MIN_DRAIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DRAIN_NOTICE = Duration.ofSeconds(2);

  /**
   * {@code warmup.connections} by default: enough for the JIT compiler to compile the handshake
   * path before the node listens (measured in {@code docs/BENCHMARKS.md}).
   */
  public static final int DEFAULT_WARMUP_CONNECTIONS = 2000;

  /** The largest {@code warmup.connections}: it bounds what a start may spend on warming up. */
  public static final int MAX_WARMUP_CONNECTIONS = 20_000;

  /** The defaults: port 9876 on every interface, no API key (one is generated at start-up). */
  public static final ServerConfig DEFAULT = newBuilder().build();

  private final ServerSettings core;
  private final HubConfig hub;
  private final AuthSettings auth;
  private final BackendSettings backends;
  private final String nodeId;
  private final List<String> apiKeys;
  private final String publisherPath;
  private final Duration tickPeriod;
  private final String tickChannel;
  private final String tickData;
  private final boolean clientPublish;
  private final boolean dashboardEnabled;
  private final String adminSecret;
  private final LogLevel logLevel;
  private final LogFormat logFormat;
  private final Duration drainTimeout;
  private final Duration drainNotice;
  private final int warmupConnections;

  ServerConfig(ServerConfigBuilder b, ServerSettings core, HubConfig hub) {
    this.core = core;
    this.hub = hub;
    auth = b.auth;
    backends = b.backends;
    nodeId = b.nodeId;
    apiKeys = b.apiKeys;
    publisherPath = b.publisherPath;
    tickPeriod = b.tickPeriod;
    tickChannel = b.tickChannel;
    tickData = b.tickData;
    clientPublish = b.clientPublish;
    dashboardEnabled = b.dashboardEnabled;
    adminSecret = b.adminSecret;
    logLevel = b.logLevel;
    logFormat = b.logFormat;
    drainTimeout = b.drainTimeout;
    drainNotice = b.drainNotice;
    warmupConnections = b.warmupConnections;
  }

  /** A builder holding the defaults. */
  public static ServerConfigBuilder newBuilder() {
    return new ServerConfigBuilder();
  }

  /** A builder holding these settings. */
  public ServerConfigBuilder toBuilder() {
    return new ServerConfigBuilder(this);
  }

  /**
   * The WebSocket engine's settings: {@code host}, {@code port}, {@code paths} (the subscribers'
   * only: the node adds {@link #publisherPath()}), {@code allowed-origins}, {@code
   * max-connections}, {@code max-connections-per-ip}, {@code max-message-size}, {@code
   * ping-interval}, {@code idle-timeout}, {@code compression}, {@code slow-consumer-*}, and {@code
   * api.max-body-size} as {@link ServerSettings#maxHttpBodySize()}.
   */
  public ServerSettings core() {
    return core;
  }

  /**
   * The hub's settings: {@code history.*}, {@code max-subscriptions}, {@code limits.command-*} and
   * {@code limits.max-rate-limited-commands}. Its node id is {@code node-id}; without one it is an
   * id picked when this config was built, and each node started from the config picks its own
   * instead (see {@link #nodeId()}).
   */
  public HubConfig hub() {
    return hub;
  }

  /** {@code auth.*} and {@code channels.*}: connection tokens and channel rules. */
  public AuthSettings auth() {
    return auth;
  }

  /** {@code broker}, {@code registry}, {@code registry-ttl} and {@code limits.max-channels}. */
  public BackendSettings backends() {
    return backends;
  }

  /** {@code node-id}: this node's id in connection ids and presence; {@code null} picks one. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * {@code api.keys}: keys accepted by the HTTP API and the publisher socket. Empty means {@code
   * serve} generates one at start-up.
   */
  public List<String> apiKeys() {
    return apiKeys;
  }

  /** {@code publisher.path}: where authenticated publishers connect. */
  public String publisherPath() {
    return publisherPath;
  }

  /** {@code tick.period}: how often the server publishes on its own; zero turns it off. */
  public Duration tickPeriod() {
    return tickPeriod;
  }

  /** {@code tick.channel}: the channel the timer publishes to. */
  public String tickChannel() {
    return tickChannel;
  }

  /**
   * {@code tick.data}: the text the timer publishes; empty means a small JSON object with a
   * sequence number and a timestamp.
   */
  public String tickData() {
    return tickData;
  }

  /** {@code client-publish}: whether {@code pushwire.v1} clients may publish. */
  public boolean clientPublish() {
    return clientPublish;
  }

  /**
   * {@code dashboard.enabled}: whether the node serves its dashboard at {@code /} (to loopback
   * clients; to others only with {@link #adminSecret()}).
   */
  public boolean dashboardEnabled() {
    return dashboardEnabled;
  }

  /**
   * {@code admin.secret}: lets the dashboard be opened from other machines, signing in with it;
   * {@code null} (the default) when none is set.
   */
  public String adminSecret() {
    return adminSecret;
  }

  /** {@code log-level}: how much the node logs. */
  public LogLevel logLevel() {
    return logLevel;
  }

  /** {@code log-format}: {@code text} lines (the default) or JSON lines. */
  public LogFormat logFormat() {
    return logFormat;
  }

  /**
   * {@code drain-timeout}: how long a graceful stop (SIGTERM, SIGINT, {@code pushwire stop}) may
   * take; clients still open near its end are closed at once, and at its end the process exits.
   */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * {@code drain-notice}: how long a draining node reports {@code draining} on {@code /readyz},
   * still serving, before it stops listening and closes its clients; a load balancer that polls
   * {@code /readyz} stops sending new clients meanwhile. Taken from {@code drain-timeout}.
   */
  public Duration drainNotice() {
    return drainNotice;
  }

  /**
   * {@code warmup.connections}: how many WebSocket connections the node makes to a throwaway copy
   * of itself on loopback before it listens, so that the JIT compiler has compiled the handshake
   * path when the first burst of clients comes; 0 turns the warm-up off. The copy has its own
   * memory backends and metrics: nothing of the warm-up shows in the registry, presence, channels,
   * metrics or the log (but one INFO line).
   */
  public int warmupConnections() {
    return warmupConnections;
  }

  /** Every key with its value, by its YAML name; secrets only say whether they are set. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "ServerConfig{", "}");
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      out.add(key.name() + "=" + key.shown(this));
    }
    return out.toString();
  }
}
