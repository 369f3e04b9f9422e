package dev.pushwire.core;

import static dev.pushwire.core.internal.Checks.check;
import static dev.pushwire.core.internal.Checks.isToken;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Builds {@link ServerSettings}; {@link #build()} checks every value. */
public final class ServerSettingsBuilder {
  // Package-private: the ServerSettings constructor reads them.
  String host = ServerSettings.DEFAULT_HOST;
  int port = ServerSettings.DEFAULT_PORT;
  List<String> paths = List.of("/");
  List<String> subprotocols = List.of();
  List<String> allowedOrigins = List.of();
  int maxFrameSize;
  int maxMessageSize = ServerSettings.DEFAULT_MAX_MESSAGE_SIZE;
  Duration idleTimeout = ServerSettings.DEFAULT_IDLE_TIMEOUT;
  Duration pingInterval = ServerSettings.DEFAULT_PING_INTERVAL;
  Duration handshakeTimeout = ServerSettings.DEFAULT_HANDSHAKE_TIMEOUT;
  boolean compression = true;
  int compressionLevel = ServerSettings.DEFAULT_COMPRESSION_LEVEL;
  int compressionMinSize = ServerSettings.DEFAULT_COMPRESSION_MIN_SIZE;
  boolean compressionContextTakeover;
  int maxConnections = ServerSettings.DEFAULT_MAX_CONNECTIONS;
  int maxConnectionsPerIp = ServerSettings.DEFAULT_MAX_CONNECTIONS_PER_IP;
  int ioThreads;
  boolean reusePort;
  Path tlsCertificate;
  Path tlsPrivateKey;
  int writeBufferLowWaterMark = ServerSettings.DEFAULT_WRITE_BUFFER_LOW;
  int writeBufferHighWaterMark = ServerSettings.DEFAULT_WRITE_BUFFER_HIGH;
  SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DROP;
  Duration slowConsumerTimeout = ServerSettings.DEFAULT_SLOW_CONSUMER_TIMEOUT;
  int slowConsumerMaxPending;
  int maxHttpBodySize = ServerSettings.DEFAULT_MAX_HTTP_BODY_SIZE;
  int maxHeaderSize = ServerSettings.DEFAULT_MAX_HEADER_SIZE;
  boolean nativeTransport = true;

  ServerSettingsBuilder() {}

  ServerSettingsBuilder(ServerSettings s) {
    host = s.host();
    port = s.port();
    paths = s.paths();
    subprotocols = s.subprotocols();
    allowedOrigins = s.allowedOrigins();
    maxFrameSize = s.maxFrameSize();
    maxMessageSize = s.maxMessageSize();
    idleTimeout = s.idleTimeout();
    pingInterval = s.pingInterval();
    handshakeTimeout = s.handshakeTimeout();
    compression = s.compression();
    compressionLevel = s.compressionLevel();
    compressionMinSize = s.compressionMinSize();
    compressionContextTakeover = s.compressionContextTakeover();
    maxConnections = s.maxConnections();
    maxConnectionsPerIp = s.maxConnectionsPerIp();
    ioThreads = s.ioThreads();
    reusePort = s.reusePort();
    tlsCertificate = s.tlsCertificate();
    tlsPrivateKey = s.tlsPrivateKey();
    writeBufferLowWaterMark = s.writeBufferLowWaterMark();
    writeBufferHighWaterMark = s.writeBufferHighWaterMark();
    slowConsumerPolicy = s.slowConsumerPolicy();
    slowConsumerTimeout = s.slowConsumerTimeout();
    slowConsumerMaxPending = s.slowConsumerMaxPending();
    maxHttpBodySize = s.maxHttpBodySize();
    maxHeaderSize = s.maxHeaderSize();
    nativeTransport = s.nativeTransport();
  }

  public ServerSettingsBuilder host(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public ServerSettingsBuilder port(int port) {
    this.port = port;
    return this;
  }

  public ServerSettingsBuilder paths(List<String> paths) {
    this.paths = List.copyOf(paths);
    return this;
  }

  public ServerSettingsBuilder paths(String... paths) {
    return paths(List.of(paths));
  }

  public ServerSettingsBuilder subprotocols(List<String> subprotocols) {
    this.subprotocols = List.copyOf(subprotocols);
    return this;
  }

  public ServerSettingsBuilder subprotocols(String... subprotocols) {
    return subprotocols(List.of(subprotocols));
  }

  public ServerSettingsBuilder allowedOrigins(List<String> origins) {
    this.allowedOrigins = List.copyOf(origins);
    return this;
  }

  public ServerSettingsBuilder allowedOrigins(String... origins) {
    return allowedOrigins(List.of(origins));
  }

  /** 0 (the default) means the same as the maximum message size. */
  public ServerSettingsBuilder maxFrameSize(int bytes) {
    this.maxFrameSize = bytes;
    return this;
  }

  public ServerSettingsBuilder maxMessageSize(int bytes) {
    this.maxMessageSize = bytes;
    return this;
  }

  public ServerSettingsBuilder idleTimeout(Duration timeout) {
    this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
    return this;
  }

  public ServerSettingsBuilder pingInterval(Duration interval) {
    this.pingInterval = Objects.requireNonNull(interval, "pingInterval");
    return this;
  }

  public ServerSettingsBuilder handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = Objects.requireNonNull(timeout, "handshakeTimeout");
    return this;
  }

  public ServerSettingsBuilder compression(boolean on) {
    this.compression = on;
    return this;
  }

  public ServerSettingsBuilder compressionLevel(int level) {
    this.compressionLevel = level;
    return this;
  }

  public ServerSettingsBuilder compressionMinSize(int bytes) {
    this.compressionMinSize = bytes;
    return this;
  }

  public ServerSettingsBuilder compressionContextTakeover(boolean on) {
    this.compressionContextTakeover = on;
    return this;
  }

  public ServerSettingsBuilder maxConnections(int max) {
    this.maxConnections = max;
    return this;
  }

  /** 0 (the default) means no per-address limit. */
  public ServerSettingsBuilder maxConnectionsPerIp(int max) {
    this.maxConnectionsPerIp = max;
    return this;
  }

  public ServerSettingsBuilder ioThreads(int threads) {
    this.ioThreads = threads;
    return this;
  }

  public ServerSettingsBuilder reusePort(boolean on) {
    this.reusePort = on;
    return this;
  }

  /** TLS from PEM files; both {@code null} turns TLS off. */
  public ServerSettingsBuilder tls(Path certificateChain, Path privateKey) {
    this.tlsCertificate = certificateChain;
    this.tlsPrivateKey = privateKey;
    return this;
  }

  public ServerSettingsBuilder writeBufferWaterMarks(int low, int high) {
    this.writeBufferLowWaterMark = low;
    this.writeBufferHighWaterMark = high;
    return this;
  }

  public ServerSettingsBuilder slowConsumerPolicy(SlowConsumerPolicy policy) {
    this.slowConsumerPolicy = Objects.requireNonNull(policy, "slowConsumerPolicy");
    return this;
  }

  public ServerSettingsBuilder slowConsumerTimeout(Duration timeout) {
    this.slowConsumerTimeout = Objects.requireNonNull(timeout, "slowConsumerTimeout");
    return this;
  }

  /** 0 (the default) for 4 MiB or twice the high water mark, whichever is more. */
  public ServerSettingsBuilder slowConsumerMaxPending(int bytes) {
    this.slowConsumerMaxPending = bytes;
    return this;
  }

  public ServerSettingsBuilder maxHttpBodySize(int bytes) {
    this.maxHttpBodySize = bytes;
    return this;
  }

  public ServerSettingsBuilder maxHeaderSize(int bytes) {
    this.maxHeaderSize = bytes;
    return this;
  }

  public ServerSettingsBuilder nativeTransport(boolean on) {
    this.nativeTransport = on;
    return this;
  }

  /** Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one. */
  public ServerSettings build() {
    check(port >= 0 && port <= 65535, "port", port, "0-65535");
    check(!host.isBlank(), "host", host, "a host name or address");
    check(!paths.isEmpty(), "paths", paths, "at least one path");
    for (String p : paths) {
      check(p.startsWith("/"), "paths", p, "a path starting with /");
    }
    for (String s : subprotocols) {
      check(isToken(s), "subprotocols", s, "an HTTP token");
    }
    for (String o : allowedOrigins) {
      check(
          o.equals("*") || o.contains("://"),
          "allowedOrigins",
          o,
          "an origin such as https://example.com or https://*.example.com");
    }
    check(maxMessageSize > 0, "maxMessageSize", maxMessageSize, "a positive number of bytes");
    check(
        maxFrameSize >= 0 && maxFrameSize <= Math.max(maxMessageSize, 125),
        "maxFrameSize",
        maxFrameSize,
        "0 (same as maxMessageSize) or a positive size not above maxMessageSize");
    check(!idleTimeout.isNegative(), "idleTimeout", idleTimeout, "zero (off) or positive");
    check(!pingInterval.isNegative(), "pingInterval", pingInterval, "zero (off) or positive");
    check(
        handshakeTimeout.compareTo(Duration.ofMillis(1)) >= 0,
        "handshakeTimeout",
        handshakeTimeout,
        "a positive duration");
    check(
        compressionLevel >= 1 && compressionLevel <= 9,
        "compressionLevel",
        compressionLevel,
        "1-9");
    check(compressionMinSize >= 0, "compressionMinSize", compressionMinSize, "0 or more bytes");
    check(maxConnections > 0, "maxConnections", maxConnections, "a positive number");
    check(
        maxConnectionsPerIp >= 0,
        "maxConnectionsPerIp",
        maxConnectionsPerIp,
        "0 (no limit) or a positive number");
    check(ioThreads >= 0, "ioThreads", ioThreads, "0 (one per processor) or more");
    check(
        (tlsCertificate == null) == (tlsPrivateKey == null),
        "tls",
        tlsCertificate + ", " + tlsPrivateKey,
        "both a certificate and a key, or neither");
    check(
        writeBufferLowWaterMark > 0 && writeBufferLowWaterMark <= writeBufferHighWaterMark,
        "writeBufferWaterMarks",
        writeBufferLowWaterMark + "/" + writeBufferHighWaterMark,
        "0 < low <= high");
    check(
        slowConsumerTimeout.compareTo(Duration.ofMillis(10)) >= 0,
        "slowConsumerTimeout",
        slowConsumerTimeout,
        "10 ms or more");
    check(
        slowConsumerMaxPending == 0 || slowConsumerMaxPending >= writeBufferHighWaterMark,
        "slowConsumerMaxPending",
        slowConsumerMaxPending,
        "0 (default) or at least the high water mark (" + writeBufferHighWaterMark + ")");
    check(maxHttpBodySize >= 0, "maxHttpBodySize", maxHttpBodySize, "0 or more bytes");
    check(maxHeaderSize >= 256, "maxHeaderSize", maxHeaderSize, "256 bytes or more");
    return new ServerSettings(this);
  }
}
