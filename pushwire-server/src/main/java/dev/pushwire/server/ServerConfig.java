package dev.pushwire.server;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.server.internal.BackendUri;
import dev.pushwire.server.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Immutable settings of a {@link PushwireNode}: everything {@code pushwire serve} can be told,
 * whether from the YAML file, {@code PUSHWIRE_*} environment variables or flags (see {@link
 * ConfigLoader} and {@code docs/pushwire.example.yaml}). Build with {@link #newBuilder()}; derive
 * with {@link #toBuilder()}; {@link Builder#build()} checks every value and names the bad one by
 * its YAML key.
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

  /** The defaults: port 9876 on every interface, no API key (one is generated at start-up). */
  public static final ServerConfig DEFAULT = newBuilder().build();

  private final String host;
  private final int port;
  private final List<String> paths;
  private final List<String> allowedOrigins;
  private final int maxConnections;
  private final int maxMessageSize;
  private final Duration pingInterval;
  private final Duration idleTimeout;
  private final boolean compression;
  private final SlowConsumerPolicy slowConsumerPolicy;
  private final Duration slowConsumerTimeout;
  private final int slowConsumerMaxPending;
  private final Duration drainNotice;
  private final LogLevel logLevel;
  private final LogFormat logFormat;
  private final Duration drainTimeout;
  private final String nodeId;
  private final String broker;
  private final String registry;
  private final Duration registryTtl;
  private final List<String> apiKeys;
  private final int maxBodySize;
  private final String publisherPath;
  private final Duration tickPeriod;
  private final String tickChannel;
  private final String tickData;
  private final int historySize;
  private final Duration historyTtl;
  private final int maxSubscriptions;
  private final int maxConnectionsPerIp;
  private final int commandRate;
  private final int commandBurst;
  private final int maxRateLimitedCommands;
  private final int maxChannels;
  private final boolean clientPublish;
  private final boolean dashboardEnabled;
  private final String adminSecret;
  private final AuthSettings auth;

  private ServerConfig(Builder b) {
    host = b.host;
    port = b.port;
    paths = b.paths;
    allowedOrigins = b.allowedOrigins;
    maxConnections = b.maxConnections;
    maxMessageSize = b.maxMessageSize;
    pingInterval = b.pingInterval;
    idleTimeout = b.idleTimeout;
    compression = b.compression;
    slowConsumerPolicy = b.slowConsumerPolicy;
    slowConsumerTimeout = b.slowConsumerTimeout;
    slowConsumerMaxPending = b.slowConsumerMaxPending;
    drainNotice = b.drainNotice;
    logLevel = b.logLevel;
    logFormat = b.logFormat;
    drainTimeout = b.drainTimeout;
    nodeId = b.nodeId;
    broker = b.broker;
    registry = b.registry;
    registryTtl = b.registryTtl;
    apiKeys = b.apiKeys;
    maxBodySize = b.maxBodySize;
    publisherPath = b.publisherPath;
    tickPeriod = b.tickPeriod;
    tickChannel = b.tickChannel;
    tickData = b.tickData;
    historySize = b.historySize;
    historyTtl = b.historyTtl;
    maxSubscriptions = b.maxSubscriptions;
    maxConnectionsPerIp = b.maxConnectionsPerIp;
    commandRate = b.commandRate;
    commandBurst = b.commandBurst;
    maxRateLimitedCommands = b.maxRateLimitedCommands;
    maxChannels = b.maxChannels;
    clientPublish = b.clientPublish;
    dashboardEnabled = b.dashboardEnabled;
    adminSecret = b.adminSecret;
    auth = b.auth;
  }

  /** A builder holding the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code host}: the address to bind; {@code 0.0.0.0} for every interface. */
  public String host() {
    return host;
  }

  /** {@code port}: the port to bind (HTTP and WebSocket); 0 picks a free one. */
  public int port() {
    return port;
  }

  /** {@code paths}: where subscribers connect, plain or {@code pushwire.v1}. */
  public List<String> paths() {
    return paths;
  }

  /** {@code allowed-origins}: browser origins allowed to connect; empty allows all. */
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** {@code max-connections}: open WebSocket connections allowed; more get 503. */
  public int maxConnections() {
    return maxConnections;
  }

  /** {@code max-message-size}: largest message a client may send, in bytes (close 1009). */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** {@code ping-interval}: how often the server pings each connection; zero turns pings off. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** {@code idle-timeout}: a connection silent for this long is closed; zero turns it off. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@code compression}: whether permessage-deflate is offered. */
  public boolean compression() {
    return compression;
  }

  /** {@code slow-consumer-policy}: what happens to a plain connection that cannot keep up. */
  public SlowConsumerPolicy slowConsumerPolicy() {
    return slowConsumerPolicy;
  }

  /**
   * {@code slow-consumer-timeout}: how long a connection may stay behind (the socket refused bytes
   * and more than the high water mark is queued) before it is a slow consumer.
   */
  public Duration slowConsumerTimeout() {
    return slowConsumerTimeout;
  }

  /**
   * {@code slow-consumer-max-pending}: bytes that may be queued for one connection before it is a
   * slow consumer at once.
   */
  public int slowConsumerMaxPending() {
    return slowConsumerMaxPending;
  }

  /**
   * {@code drain-notice}: how long a draining node reports {@code draining} on {@code /readyz},
   * still serving, before it stops listening and closes its clients; a load balancer that polls
   * {@code /readyz} stops sending new clients meanwhile. Taken from {@code drain-timeout}.
   */
  public Duration drainNotice() {
    return drainNotice;
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

  /** {@code node-id}: this node's id in connection ids and presence; {@code null} picks one. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * {@code broker}: what carries publications between nodes and keeps history: {@code memory} (this
   * node only), {@code redis://HOST:PORT[/DB]} ({@code rediss://} for TLS), {@code
   * redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER} ({@code rediss-sentinel://} for TLS) or
   * {@code redis-cluster://HOST:PORT[,HOST:PORT...]} ({@code rediss-cluster://} for TLS).
   */
  public String broker() {
    return broker;
  }

  /**
   * {@code registry}: where connections and presence are listed for every node: {@code memory},
   * {@code redis://...} or {@code memcached://HOST:PORT[,HOST:PORT...]}.
   */
  public String registry() {
    return registry;
  }

  /**
   * {@code registry-ttl}: how long a node's registry records outlive it when it dies without
   * removing them; the node refreshes them every third of it.
   */
  public Duration registryTtl() {
    return registryTtl;
  }

  /**
   * {@code api.keys}: keys accepted by the HTTP API and the publisher socket. Empty means {@code
   * serve} generates one at start-up.
   */
  public List<String> apiKeys() {
    return apiKeys;
  }

  /** {@code api.max-body-size}: largest HTTP API request body, in bytes (413 beyond). */
  public int maxBodySize() {
    return maxBodySize;
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

  /** {@code history.size}: publications each channel keeps for recovery. */
  public int historySize() {
    return historySize;
  }

  /** {@code history.ttl}: how long a publication stays in history. */
  public Duration historyTtl() {
    return historyTtl;
  }

  /** {@code max-subscriptions}: channels one connection may subscribe to at once. */
  public int maxSubscriptions() {
    return maxSubscriptions;
  }

  /**
   * {@code max-connections-per-ip}: WebSocket connections one remote address may hold; more get
   * 429. 0 turns the limit off.
   */
  public int maxConnectionsPerIp() {
    return maxConnectionsPerIp;
  }

  /**
   * {@code limits.command-rate}: {@code pushwire.v1} commands per second per connection on average
   * (excess: error {@code rate_limited}); 0 turns the limit off.
   */
  public int commandRate() {
    return commandRate;
  }

  /** {@code limits.command-burst}: commands a connection may send at once. */
  public int commandBurst() {
    return commandBurst;
  }

  /**
   * {@code limits.max-rate-limited-commands}: how far refused commands may outnumber accepted ones
   * before the connection is closed with 1008.
   */
  public int maxRateLimitedCommands() {
    return maxRateLimitedCommands;
  }

  /**
   * {@code limits.max-channels}: the most channels with publications the in-memory broker keeps on
   * this node; a publication that would start one more is refused with {@code too_many_channels}.
   */
  public int maxChannels() {
    return maxChannels;
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

  /** {@code auth.*} and {@code channels.*}: connection tokens and channel rules. */
  public AuthSettings auth() {
    return auth;
  }

  @Override
  public String toString() {
    return "ServerConfig{host="
        + host
        + ", port="
        + port
        + ", paths="
        + paths
        + ", allowedOrigins="
        + allowedOrigins
        + ", maxConnections="
        + maxConnections
        + ", maxMessageSize="
        + maxMessageSize
        + ", pingInterval="
        + pingInterval
        + ", idleTimeout="
        + idleTimeout
        + ", compression="
        + compression
        + ", slowConsumerPolicy="
        + slowConsumerPolicy
        + ", slowConsumerTimeout="
        + slowConsumerTimeout
        + ", slowConsumerMaxPending="
        + slowConsumerMaxPending
        + ", drainNotice="
        + drainNotice
        + ", logLevel="
        + logLevel
        + ", logFormat="
        + logFormat
        + ", drainTimeout="
        + drainTimeout
        + ", nodeId="
        + nodeId
        + ", broker="
        + BackendUri.redacted(broker)
        + ", registry="
        + BackendUri.redacted(registry)
        + ", registryTtl="
        + registryTtl
        + ", apiKeys="
        + apiKeys.size()
        + " key(s), maxBodySize="
        + maxBodySize
        + ", publisherPath="
        + publisherPath
        + ", tickPeriod="
        + tickPeriod
        + ", tickChannel="
        + tickChannel
        + ", tickData="
        + tickData
        + ", historySize="
        + historySize
        + ", historyTtl="
        + historyTtl
        + ", maxSubscriptions="
        + maxSubscriptions
        + ", maxConnectionsPerIp="
        + maxConnectionsPerIp
        + ", commandRate="
        + commandRate
        + ", commandBurst="
        + commandBurst
        + ", maxRateLimitedCommands="
        + maxRateLimitedCommands
        + ", maxChannels="
        + maxChannels
        + ", clientPublish="
        + clientPublish
        + ", dashboardEnabled="
        + dashboardEnabled
        + ", adminSecret="
        + (adminSecret == null ? "unset" : "set")
        + '}';
  }

  /** Builds {@link ServerConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<String> paths = DEFAULT_PATHS;
    private List<String> allowedOrigins = List.of();
    private int maxConnections = ServerSettings.DEFAULT_MAX_CONNECTIONS;
    private int maxMessageSize = ServerSettings.DEFAULT_MAX_MESSAGE_SIZE;
    private Duration pingInterval = ServerSettings.DEFAULT_PING_INTERVAL;
    private Duration idleTimeout = ServerSettings.DEFAULT_IDLE_TIMEOUT;
    private boolean compression = true;
    private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DROP;
    private Duration slowConsumerTimeout = ServerSettings.DEFAULT_SLOW_CONSUMER_TIMEOUT;
    private int slowConsumerMaxPending = ServerSettings.DEFAULT_SLOW_CONSUMER_MAX_PENDING;
    private Duration drainNotice = DEFAULT_DRAIN_NOTICE;
    private LogLevel logLevel = LogLevel.INFO;
    private LogFormat logFormat = LogFormat.TEXT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private String nodeId;
    private String broker = BackendUri.MEMORY;
    private String registry = BackendUri.MEMORY;
    private Duration registryTtl = BackendUri.DEFAULT_REGISTRY_TTL;
    private List<String> apiKeys = List.of();
    private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private String publisherPath = DEFAULT_PUBLISHER_PATH;
    private Duration tickPeriod = Duration.ZERO;
    private String tickChannel = DEFAULT_TICK_CHANNEL;
    private String tickData = "";
    private int historySize = HubConfig.DEFAULT_HISTORY_SIZE;
    private Duration historyTtl = HubConfig.DEFAULT_HISTORY_TTL;
    private int maxSubscriptions = HubConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
    private int commandRate = (int) HubConfig.DEFAULT_COMMAND_RATE;
    private int commandBurst = HubConfig.DEFAULT_COMMAND_BURST;
    private int maxRateLimitedCommands = HubConfig.DEFAULT_MAX_RATE_LIMITED_COMMANDS;
    private int maxChannels = MemoryBroker.DEFAULT_MAX_CHANNELS;
    private boolean clientPublish;
    private boolean dashboardEnabled = true;
    private String adminSecret;
    private AuthSettings auth = AuthSettings.DEFAULT;

    private Builder() {}

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      paths = c.paths;
      allowedOrigins = c.allowedOrigins;
      maxConnections = c.maxConnections;
      maxMessageSize = c.maxMessageSize;
      pingInterval = c.pingInterval;
      idleTimeout = c.idleTimeout;
      compression = c.compression;
      slowConsumerPolicy = c.slowConsumerPolicy;
      slowConsumerTimeout = c.slowConsumerTimeout;
      slowConsumerMaxPending = c.slowConsumerMaxPending;
      drainNotice = c.drainNotice;
      logLevel = c.logLevel;
      logFormat = c.logFormat;
      drainTimeout = c.drainTimeout;
      nodeId = c.nodeId;
      broker = c.broker;
      registry = c.registry;
      registryTtl = c.registryTtl;
      apiKeys = c.apiKeys;
      maxBodySize = c.maxBodySize;
      publisherPath = c.publisherPath;
      tickPeriod = c.tickPeriod;
      tickChannel = c.tickChannel;
      tickData = c.tickData;
      historySize = c.historySize;
      historyTtl = c.historyTtl;
      maxSubscriptions = c.maxSubscriptions;
      maxConnectionsPerIp = c.maxConnectionsPerIp;
      commandRate = c.commandRate;
      commandBurst = c.commandBurst;
      maxRateLimitedCommands = c.maxRateLimitedCommands;
      maxChannels = c.maxChannels;
      clientPublish = c.clientPublish;
      dashboardEnabled = c.dashboardEnabled;
      adminSecret = c.adminSecret;
      auth = c.auth;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder paths(List<String> paths) {
      this.paths = List.copyOf(paths);
      return this;
    }

    public Builder allowedOrigins(List<String> origins) {
      this.allowedOrigins = List.copyOf(origins);
      return this;
    }

    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "pingInterval");
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    public Builder compression(boolean on) {
      this.compression = on;
      return this;
    }

    public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
      this.slowConsumerPolicy = Objects.requireNonNull(policy, "slowConsumerPolicy");
      return this;
    }

    public Builder slowConsumerTimeout(Duration timeout) {
      this.slowConsumerTimeout = Objects.requireNonNull(timeout, "slowConsumerTimeout");
      return this;
    }

    public Builder slowConsumerMaxPending(int bytes) {
      this.slowConsumerMaxPending = bytes;
      return this;
    }

    public Builder drainNotice(Duration notice) {
      this.drainNotice = Objects.requireNonNull(notice, "drainNotice");
      return this;
    }

    public Builder logLevel(LogLevel level) {
      this.logLevel = Objects.requireNonNull(level, "logLevel");
      return this;
    }

    public Builder logFormat(LogFormat format) {
      this.logFormat = Objects.requireNonNull(format, "logFormat");
      return this;
    }

    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = Objects.requireNonNull(timeout, "drainTimeout");
      return this;
    }

    /** {@code null} (the default) lets the hub pick a random id. */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * {@code memory} (the default), {@code redis://HOST:PORT[/DB]}, {@code rediss://...}, {@code
     * redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER} or {@code
     * redis-cluster://HOST:PORT[,HOST:PORT...]}.
     */
    public Builder broker(String broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /** {@code memory} (the default), {@code redis://...} or {@code memcached://...}. */
    public Builder registry(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder registryTtl(Duration ttl) {
      this.registryTtl = Objects.requireNonNull(ttl, "registryTtl");
      return this;
    }

    public Builder apiKeys(List<String> keys) {
      this.apiKeys = List.copyOf(keys);
      return this;
    }

    public Builder maxBodySize(int bytes) {
      this.maxBodySize = bytes;
      return this;
    }

    public Builder publisherPath(String path) {
      this.publisherPath = Objects.requireNonNull(path, "publisherPath");
      return this;
    }

    /** {@link Duration#ZERO} (the default) turns the timer off. */
    public Builder tickPeriod(Duration period) {
      this.tickPeriod = Objects.requireNonNull(period, "tickPeriod");
      return this;
    }

    public Builder tickChannel(String channel) {
      this.tickChannel = Objects.requireNonNull(channel, "tickChannel");
      return this;
    }

    /** An empty string (the default) publishes {@code {"seq":N,"time":"..."}}. */
    public Builder tickData(String data) {
      this.tickData = Objects.requireNonNull(data, "tickData");
      return this;
    }

    public Builder historySize(int size) {
      this.historySize = size;
      return this;
    }

    public Builder historyTtl(Duration ttl) {
      this.historyTtl = Objects.requireNonNull(ttl, "historyTtl");
      return this;
    }

    public Builder maxSubscriptions(int max) {
      this.maxSubscriptions = max;
      return this;
    }

    /** 0 turns the per-address limit off. */
    public Builder maxConnectionsPerIp(int max) {
      this.maxConnectionsPerIp = max;
      return this;
    }

    /** 0 turns the command rate limit off. */
    public Builder commandRate(int perSecond) {
      this.commandRate = perSecond;
      return this;
    }

    public Builder commandBurst(int commands) {
      this.commandBurst = commands;
      return this;
    }

    public Builder maxRateLimitedCommands(int max) {
      this.maxRateLimitedCommands = max;
      return this;
    }

    public Builder maxChannels(int max) {
      this.maxChannels = max;
      return this;
    }

    public Builder clientPublish(boolean allowed) {
      this.clientPublish = allowed;
      return this;
    }

    public Builder dashboardEnabled(boolean enabled) {
      this.dashboardEnabled = enabled;
      return this;
    }

    /** {@code null} (the default): no admin secret. */
    public Builder adminSecret(String secret) {
      this.adminSecret = secret;
      return this;
    }

    /** {@link AuthSettings#DEFAULT} (the default): no tokens, every channel public. */
    public Builder auth(AuthSettings settings) {
      this.auth = java.util.Objects.requireNonNull(settings, "auth");
      return this;
    }

    /** The {@code auth.*} and {@code channels.*} settings so far. */
    public AuthSettings auth() {
      return auth;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} with a message such as
     * {@code port: bad value '70000' (expected 0-65535)}.
     */
    public ServerConfig build() {
      check(!host.isBlank(), "host", host, "a host name or address");
      check(port >= 0 && port <= 65535, "port", port, "0-65535");
      check(!paths.isEmpty(), "paths", paths, "at least one path");
      for (String p : paths) {
        check(isPath(p), "paths", p, "a path starting with /");
      }
      for (String o : allowedOrigins) {
        check(isOrigin(o), "allowed-origins", o, "an origin such as https://example.com");
      }
      check(maxConnections >= 1, "max-connections", maxConnections, "1 or more");
      check(maxMessageSize >= 1, "max-message-size", maxMessageSize, "1 byte or more");
      check(!pingInterval.isNegative(), "ping-interval", pingInterval, "0 (off) or a duration");
      check(!idleTimeout.isNegative(), "idle-timeout", idleTimeout, "0 (off) or a duration");
      check(
          BackendUri.isBroker(broker),
          "broker",
          BackendUri.redacted(broker),
          BackendUri.BROKER_EXPECTED);
      check(
          BackendUri.isRegistry(registry),
          "registry",
          BackendUri.redacted(registry),
          BackendUri.REGISTRY_EXPECTED);
      check(
          BackendUri.isRegistryTtl(registryTtl),
          "registry-ttl",
          DurationText.format(registryTtl),
          BackendUri.TTL_EXPECTED);
      for (String k : apiKeys) {
        check(isApiKey(k), "api.keys", k, "keys of printable characters without spaces");
      }
      check(maxBodySize >= 1, "api.max-body-size", maxBodySize, "1 byte or more");
      check(isPath(publisherPath), "publisher.path", publisherPath, "a path starting with /");
      check(
          !paths.contains(publisherPath),
          "publisher.path",
          publisherPath,
          "a path that is not one of the subscriber paths " + paths);
      check(
          tickPeriod.isZero() || tickPeriod.compareTo(MIN_TICK_PERIOD) >= 0,
          "tick.period",
          DurationText.format(tickPeriod),
          "0 (off) or at least 10ms");
      check(ChannelName.isValid(tickChannel), "tick.channel", tickChannel, CHANNEL_EXPECTED);
      check(
          historySize >= 0 && historySize <= MAX_HISTORY_SIZE,
          "history.size",
          historySize,
          "0-" + MAX_HISTORY_SIZE);
      check(
          !historyTtl.isNegative() && !historyTtl.isZero(),
          "history.ttl",
          DurationText.format(historyTtl),
          "a positive duration");
      check(maxSubscriptions >= 1, "max-subscriptions", maxSubscriptions, "1 or more");
      check(
          maxConnectionsPerIp >= 0,
          "max-connections-per-ip",
          maxConnectionsPerIp,
          "0 (off) or more");
      check(commandRate >= 0, "limits.command-rate", commandRate, "0 (off) or more");
      check(commandBurst >= 1, "limits.command-burst", commandBurst, "1 or more");
      check(
          maxRateLimitedCommands >= 1,
          "limits.max-rate-limited-commands",
          maxRateLimitedCommands,
          "1 or more");
      check(maxChannels >= 1, "limits.max-channels", maxChannels, "1 or more");
      check(
          drainTimeout.compareTo(MIN_DRAIN_TIMEOUT) >= 0,
          "drain-timeout",
          DurationText.format(drainTimeout),
          DRAIN_TIMEOUT_EXPECTED);
      if (adminSecret != null && !isAdminSecret(adminSecret)) {
        // The value is a secret: the message does not repeat it.
        throw new IllegalArgumentException(
            "admin.secret: bad value (expected " + ADMIN_SECRET_EXPECTED + ")");
      }
      auth.check();
      return new ServerConfig(this);
    }

    static final String DRAIN_TIMEOUT_EXPECTED = "a duration of at least 1s, such as 10s";

    static final String CHANNEL_EXPECTED =
        "a channel name: 1-200 characters of A-Z a-z 0-9 _ . : @ / -";

    private static boolean isPath(String p) {
      return p.startsWith("/") && p.indexOf('?') < 0 && p.indexOf('#') < 0 && !p.contains(" ");
    }

    private static boolean isOrigin(String o) {
      return o.equals("*") || o.contains("://");
    }

    static final String ADMIN_SECRET_EXPECTED = "16 or more printable characters without spaces";

    private static boolean isAdminSecret(String s) {
      return s.length() >= 16 && isApiKey(s);
    }

    private static boolean isApiKey(String k) {
      if (k.isEmpty()) {
        return false;
      }
      for (int i = 0; i < k.length(); i++) {
        char c = k.charAt(i);
        if (c <= 32 || c >= 127) {
          return false;
        }
      }
      return true;
    }

    private static void check(boolean ok, String key, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "%s: bad value '%s' (expected %s)", key, value, expected));
      }
    }
  }
}
