package dev.pushwire.server;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.HubConfig;
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
  private final LogLevel logLevel;
  private final String nodeId;
  private final List<String> apiKeys;
  private final int maxBodySize;
  private final String publisherPath;
  private final Duration tickPeriod;
  private final String tickChannel;
  private final String tickData;
  private final int historySize;
  private final Duration historyTtl;
  private final int maxSubscriptions;
  private final boolean clientPublish;

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
    logLevel = b.logLevel;
    nodeId = b.nodeId;
    apiKeys = b.apiKeys;
    maxBodySize = b.maxBodySize;
    publisherPath = b.publisherPath;
    tickPeriod = b.tickPeriod;
    tickChannel = b.tickChannel;
    tickData = b.tickData;
    historySize = b.historySize;
    historyTtl = b.historyTtl;
    maxSubscriptions = b.maxSubscriptions;
    clientPublish = b.clientPublish;
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

  /** {@code slow-consumer-policy}: what happens to a connection that cannot keep up. */
  public SlowConsumerPolicy slowConsumerPolicy() {
    return slowConsumerPolicy;
  }

  /** {@code log-level}: how much the node logs. */
  public LogLevel logLevel() {
    return logLevel;
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

  /** {@code client-publish}: whether {@code pushwire.v1} clients may publish. */
  public boolean clientPublish() {
    return clientPublish;
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
        + ", logLevel="
        + logLevel
        + ", nodeId="
        + nodeId
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
        + ", clientPublish="
        + clientPublish
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
    private LogLevel logLevel = LogLevel.INFO;
    private String nodeId;
    private List<String> apiKeys = List.of();
    private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private String publisherPath = DEFAULT_PUBLISHER_PATH;
    private Duration tickPeriod = Duration.ZERO;
    private String tickChannel = DEFAULT_TICK_CHANNEL;
    private String tickData = "";
    private int historySize = HubConfig.DEFAULT_HISTORY_SIZE;
    private Duration historyTtl = HubConfig.DEFAULT_HISTORY_TTL;
    private int maxSubscriptions = HubConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    private boolean clientPublish;

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
      logLevel = c.logLevel;
      nodeId = c.nodeId;
      apiKeys = c.apiKeys;
      maxBodySize = c.maxBodySize;
      publisherPath = c.publisherPath;
      tickPeriod = c.tickPeriod;
      tickChannel = c.tickChannel;
      tickData = c.tickData;
      historySize = c.historySize;
      historyTtl = c.historyTtl;
      maxSubscriptions = c.maxSubscriptions;
      clientPublish = c.clientPublish;
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

    public Builder logLevel(LogLevel level) {
      this.logLevel = Objects.requireNonNull(level, "logLevel");
      return this;
    }

    /** {@code null} (the default) lets the hub pick a random id. */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
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

    public Builder clientPublish(boolean allowed) {
      this.clientPublish = allowed;
      return this;
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
      return new ServerConfig(this);
    }

    static final String CHANNEL_EXPECTED =
        "a channel name: 1-200 characters of A-Z a-z 0-9 _ . : @ / -";

    private static boolean isPath(String p) {
      return p.startsWith("/") && p.indexOf('?') < 0 && p.indexOf('#') < 0 && !p.contains(" ");
    }

    private static boolean isOrigin(String o) {
      return o.equals("*") || o.contains("://");
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
