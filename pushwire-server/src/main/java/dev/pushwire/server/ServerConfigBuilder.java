package dev.pushwire.server;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerSettingsBuilder;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.hub.HubConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Builds {@link ServerConfig}. The settings of its parts go straight to them: the engine's to
 * {@link ServerConfig#core()}, the hub's to {@link ServerConfig#hub()}, and so on; {@link #build()}
 * checks every value.
 */
public final class ServerConfigBuilder {
  private ServerSettingsBuilder core =
      ServerSettings.newBuilder()
          .paths(ServerConfig.DEFAULT_PATHS)
          .maxConnectionsPerIp(ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_IP)
          .slowConsumerMaxPending(ServerSettings.DEFAULT_SLOW_CONSUMER_MAX_PENDING)
          .maxHttpBodySize(ServerConfig.DEFAULT_MAX_BODY_SIZE);
  private HubConfig.Builder hub = HubConfig.newBuilder();
  // Package-private: ServerConfig's constructor takes the rest from here.
  AuthSettings auth = AuthSettings.DEFAULT;
  BackendSettings backends = BackendSettings.DEFAULT;
  String nodeId;
  List<String> apiKeys = List.of();
  String publisherPath = ServerConfig.DEFAULT_PUBLISHER_PATH;
  Duration tickPeriod = Duration.ZERO;
  String tickChannel = ServerConfig.DEFAULT_TICK_CHANNEL;
  String tickData = "";
  boolean clientPublish;
  boolean dashboardEnabled = true;
  String adminSecret;
  LogLevel logLevel = LogLevel.INFO;
  LogFormat logFormat = LogFormat.TEXT;
  Duration drainTimeout = ServerConfig.DEFAULT_DRAIN_TIMEOUT;
  Duration drainNotice = ServerConfig.DEFAULT_DRAIN_NOTICE;
  int warmupConnections = ServerConfig.DEFAULT_WARMUP_CONNECTIONS;

  ServerConfigBuilder() {}

  ServerConfigBuilder(ServerConfig c) {
    // A node sets no frame size of its own: frames follow max-message-size, as set later.
    core = c.core().toBuilder().maxFrameSize(0);
    hub = c.hub().toBuilder().nodeId(c.nodeId());
    auth = c.auth();
    backends = c.backends();
    nodeId = c.nodeId();
    apiKeys = c.apiKeys();
    publisherPath = c.publisherPath();
    tickPeriod = c.tickPeriod();
    tickChannel = c.tickChannel();
    tickData = c.tickData();
    clientPublish = c.clientPublish();
    dashboardEnabled = c.dashboardEnabled();
    adminSecret = c.adminSecret();
    logLevel = c.logLevel();
    logFormat = c.logFormat();
    drainTimeout = c.drainTimeout();
    drainNotice = c.drainNotice();
    warmupConnections = c.warmupConnections();
  }

  public ServerConfigBuilder host(String host) {
    core.host(host);
    return this;
  }

  public ServerConfigBuilder port(int port) {
    core.port(port);
    return this;
  }

  public ServerConfigBuilder paths(List<String> paths) {
    core.paths(paths);
    return this;
  }

  public ServerConfigBuilder allowedOrigins(List<String> origins) {
    core.allowedOrigins(origins);
    return this;
  }

  public ServerConfigBuilder maxConnections(int max) {
    core.maxConnections(max);
    return this;
  }

  /** 0 turns the per-address limit off. */
  public ServerConfigBuilder maxConnectionsPerIp(int max) {
    core.maxConnectionsPerIp(max);
    return this;
  }

  public ServerConfigBuilder maxMessageSize(int bytes) {
    core.maxMessageSize(bytes);
    return this;
  }

  public ServerConfigBuilder pingInterval(Duration interval) {
    core.pingInterval(interval);
    return this;
  }

  public ServerConfigBuilder idleTimeout(Duration timeout) {
    core.idleTimeout(timeout);
    return this;
  }

  public ServerConfigBuilder compression(boolean on) {
    core.compression(on);
    return this;
  }

  public ServerConfigBuilder slowConsumerPolicy(SlowConsumerPolicy policy) {
    core.slowConsumerPolicy(policy);
    return this;
  }

  public ServerConfigBuilder slowConsumerTimeout(Duration timeout) {
    core.slowConsumerTimeout(timeout);
    return this;
  }

  public ServerConfigBuilder slowConsumerMaxPending(int bytes) {
    core.slowConsumerMaxPending(bytes);
    return this;
  }

  /** {@code api.max-body-size}. */
  public ServerConfigBuilder maxBodySize(int bytes) {
    // The engine refuses a larger body before reading it all, with a JSON 413 that names the
    // limit, so the limit is api.max-body-size itself (the API's own check is a backstop).
    core.maxHttpBodySize(bytes);
    return this;
  }

  public ServerConfigBuilder historySize(int size) {
    hub.historySize(size);
    return this;
  }

  /** Also keeps a channel's offset and epoch at least this long (24 hours at least). */
  public ServerConfigBuilder historyTtl(Duration ttl) {
    Duration meta = HubConfig.DEFAULT_HISTORY_META_TTL;
    hub.historyTtl(ttl).historyMetaTtl(ttl.compareTo(meta) > 0 ? ttl : meta);
    return this;
  }

  public ServerConfigBuilder maxSubscriptions(int max) {
    hub.maxSubscriptionsPerConnection(max);
    return this;
  }

  /** 0 turns the command rate limit off. */
  public ServerConfigBuilder commandRate(int perSecond) {
    hub.commandRate(perSecond);
    return this;
  }

  public ServerConfigBuilder commandBurst(int commands) {
    hub.commandBurst(commands);
    return this;
  }

  public ServerConfigBuilder maxRateLimitedCommands(int max) {
    hub.maxRateLimitedCommands(max);
    return this;
  }

  /** {@code null} (the default) lets each node pick a random id. */
  public ServerConfigBuilder nodeId(String nodeId) {
    this.nodeId = nodeId;
    hub.nodeId(nodeId);
    return this;
  }

  /** {@link AuthSettings#DEFAULT} (the default): no tokens, every channel public. */
  public ServerConfigBuilder auth(AuthSettings settings) {
    this.auth = Objects.requireNonNull(settings, "auth");
    return this;
  }

  /** The {@code auth.*} and {@code channels.*} settings so far. */
  public AuthSettings auth() {
    return auth;
  }

  /** {@link BackendSettings#DEFAULT} (the default): this node's memory only. */
  public ServerConfigBuilder backends(BackendSettings settings) {
    this.backends = Objects.requireNonNull(settings, "backends");
    return this;
  }

  /** The {@code broker}, {@code registry}, ... settings so far. */
  public BackendSettings backends() {
    return backends;
  }

  /** See {@link BackendSettings#broker()}. */
  public ServerConfigBuilder broker(String broker) {
    return backends(backends.withBroker(broker));
  }

  /** See {@link BackendSettings#registry()}. */
  public ServerConfigBuilder registry(String registry) {
    return backends(backends.withRegistry(registry));
  }

  public ServerConfigBuilder registryTtl(Duration ttl) {
    return backends(backends.withRegistryTtl(ttl));
  }

  public ServerConfigBuilder maxChannels(int max) {
    return backends(backends.withMaxChannels(max));
  }

  public ServerConfigBuilder apiKeys(List<String> keys) {
    this.apiKeys = List.copyOf(keys);
    return this;
  }

  public ServerConfigBuilder publisherPath(String path) {
    this.publisherPath = Objects.requireNonNull(path, "publisherPath");
    return this;
  }

  /** {@link Duration#ZERO} (the default) turns the timer off. */
  public ServerConfigBuilder tickPeriod(Duration period) {
    this.tickPeriod = Objects.requireNonNull(period, "tickPeriod");
    return this;
  }

  public ServerConfigBuilder tickChannel(String channel) {
    this.tickChannel = Objects.requireNonNull(channel, "tickChannel");
    return this;
  }

  /** An empty string (the default) publishes {@code {"seq":N,"time":"..."}}. */
  public ServerConfigBuilder tickData(String data) {
    this.tickData = Objects.requireNonNull(data, "tickData");
    return this;
  }

  public ServerConfigBuilder clientPublish(boolean allowed) {
    this.clientPublish = allowed;
    return this;
  }

  public ServerConfigBuilder dashboardEnabled(boolean enabled) {
    this.dashboardEnabled = enabled;
    return this;
  }

  /** {@code null} (the default): no admin secret. */
  public ServerConfigBuilder adminSecret(String secret) {
    this.adminSecret = secret;
    return this;
  }

  public ServerConfigBuilder logLevel(LogLevel level) {
    this.logLevel = Objects.requireNonNull(level, "logLevel");
    return this;
  }

  public ServerConfigBuilder logFormat(LogFormat format) {
    this.logFormat = Objects.requireNonNull(format, "logFormat");
    return this;
  }

  public ServerConfigBuilder drainTimeout(Duration timeout) {
    this.drainTimeout = Objects.requireNonNull(timeout, "drainTimeout");
    return this;
  }

  public ServerConfigBuilder drainNotice(Duration notice) {
    this.drainNotice = Objects.requireNonNull(notice, "drainNotice");
    return this;
  }

  /** 0 turns the warm-up off. */
  public ServerConfigBuilder warmupConnections(int connections) {
    this.warmupConnections = connections;
    return this;
  }

  /**
   * Checks every value and builds; throws {@link IllegalArgumentException} with a message such as
   * {@code port: bad value '70000' (expected 0-65535)}.
   */
  public ServerConfig build() {
    ServerSettings builtCore = ServerConfigChecks.part(core::build);
    backends.check();
    HubConfig builtHub =
        ServerConfigChecks.part(hub.registryRefreshInterval(backends.refreshInterval())::build);
    ServerConfig config = new ServerConfig(this, builtCore, builtHub);
    ServerConfigChecks.check(config);
    return config;
  }
}
