package dev.pushwire.core;

import static dev.pushwire.core.internal.Checks.check;
import static dev.pushwire.core.internal.Checks.isToken;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable settings of a {@link WebSocketServer}. Build with {@link #newBuilder()}; derive with
 * {@link #toBuilder()}. Defaults follow what operators know from other servers: 64 KiB messages, a
 * ping every 25 s, a 60 s idle timeout, permessage-deflate on.
 */
public final class ServerSettings {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 9876;
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_COMPRESSION_LEVEL = 6;
  public static final int DEFAULT_COMPRESSION_MIN_SIZE = 256;
  public static final int DEFAULT_MAX_CONNECTIONS = 100_000;

  /** No per-address limit: an embedded server trusts its network unless told otherwise. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 0;

  public static final int DEFAULT_WRITE_BUFFER_LOW = 128 * 1024;
  public static final int DEFAULT_WRITE_BUFFER_HIGH = 512 * 1024;
  public static final Duration DEFAULT_SLOW_CONSUMER_TIMEOUT = Duration.ofSeconds(3);
  public static final int DEFAULT_SLOW_CONSUMER_MAX_PENDING = 4 * 1024 * 1024;
  public static final int DEFAULT_MAX_HTTP_BODY_SIZE = 1024 * 1024;
  public static final int DEFAULT_MAX_HEADER_SIZE = 8 * 1024;

  /** The defaults: all interfaces, port 9876, path {@code /}. */
  public static final ServerSettings DEFAULT = newBuilder().build();

  private final String host;
  private final int port;
  private final List<String> paths;
  private final List<String> subprotocols;
  private final List<String> allowedOrigins;
  private final int maxFrameSize;
  private final int maxMessageSize;
  private final Duration idleTimeout;
  private final Duration pingInterval;
  private final Duration handshakeTimeout;
  private final boolean compression;
  private final int compressionLevel;
  private final int compressionMinSize;
  private final boolean compressionContextTakeover;
  private final int maxConnections;
  private final int maxConnectionsPerIp;
  private final int ioThreads;
  private final boolean reusePort;
  private final Path tlsCertificate;
  private final Path tlsPrivateKey;
  private final int writeBufferLowWaterMark;
  private final int writeBufferHighWaterMark;
  private final SlowConsumerPolicy slowConsumerPolicy;
  private final Duration slowConsumerTimeout;
  private final int slowConsumerMaxPending;
  private final int maxHttpBodySize;
  private final int maxHeaderSize;
  private final boolean nativeTransport;

  private ServerSettings(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.paths = b.paths;
    this.subprotocols = b.subprotocols;
    this.allowedOrigins = b.allowedOrigins;
    this.maxFrameSize = b.maxFrameSize == 0 ? b.maxMessageSize : b.maxFrameSize;
    this.maxMessageSize = b.maxMessageSize;
    this.idleTimeout = b.idleTimeout;
    this.pingInterval = b.pingInterval;
    this.handshakeTimeout = b.handshakeTimeout;
    this.compression = b.compression;
    this.compressionLevel = b.compressionLevel;
    this.compressionMinSize = b.compressionMinSize;
    this.compressionContextTakeover = b.compressionContextTakeover;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerIp = b.maxConnectionsPerIp;
    this.ioThreads = b.ioThreads;
    this.reusePort = b.reusePort;
    this.tlsCertificate = b.tlsCertificate;
    this.tlsPrivateKey = b.tlsPrivateKey;
    this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
    this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
    this.slowConsumerPolicy = b.slowConsumerPolicy;
    this.slowConsumerTimeout = b.slowConsumerTimeout;
    this.slowConsumerMaxPending =
        b.slowConsumerMaxPending == 0
            ? Math.max(DEFAULT_SLOW_CONSUMER_MAX_PENDING, 2 * b.writeBufferHighWaterMark)
            : b.slowConsumerMaxPending;
    this.maxHttpBodySize = b.maxHttpBodySize;
    this.maxHeaderSize = b.maxHeaderSize;
    this.nativeTransport = b.nativeTransport;
  }

  /** A builder holding the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The address to bind; {@code 0.0.0.0} for all interfaces. */
  public String host() {
    return host;
  }

  /** The port to bind; 0 picks a free one (see {@link WebSocketServer#port()}). */
  public int port() {
    return port;
  }

  /**
   * Paths that accept WebSocket upgrades. An entry ending in {@code /*} matches every path under
   * it; {@code /*} matches all paths.
   */
  public List<String> paths() {
    return paths;
  }

  /** Subprotocols the server speaks; the client's order of preference decides among them. */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /**
   * Origins allowed to connect ({@code https://app.example.com}, or {@code https://*.example.com}
   * for any subdomain). Empty allows every origin; a request without an Origin header (not a
   * browser) is always allowed.
   */
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** Largest frame payload accepted, in bytes (close 1009 beyond). */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** Largest message accepted after joining fragments and inflating, in bytes (close 1009). */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** A connection that sends nothing (not even a pong) for this long is closed with 1001. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How often the server pings each connection; {@link Duration#ZERO} turns pings off. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** A connection that has not completed an HTTP request within this time is dropped. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** Whether permessage-deflate (RFC 7692) is offered. */
  public boolean compression() {
    return compression;
  }

  /** Deflate level 1-9. */
  public int compressionLevel() {
    return compressionLevel;
  }

  /** Messages smaller than this are sent uncompressed. */
  public int compressionMinSize() {
    return compressionMinSize;
  }

  /**
   * Whether the server keeps its deflate context between messages. Off (the default) the server
   * answers with {@code server_no_context_takeover}, so a broadcast is compressed once for all.
   */
  public boolean compressionContextTakeover() {
    return compressionContextTakeover;
  }

  /** Open WebSocket connections allowed; further upgrades get 503. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Open WebSocket connections allowed from one remote IP address; further upgrades from it get
   * {@code 429 Too Many Requests} (counted as {@code max_connections_per_ip}). 0 (the default)
   * means no limit.
   */
  public int maxConnectionsPerIp() {
    return maxConnectionsPerIp;
  }

  /** Event-loop threads; 0 means one per available processor. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Whether to bind with SO_REUSEPORT (native epoll only). */
  public boolean reusePort() {
    return reusePort;
  }

  /** PEM certificate chain for TLS, or {@code null} for plain TCP. */
  public Path tlsCertificate() {
    return tlsCertificate;
  }

  /** PEM PKCS#8 private key for TLS, or {@code null}. */
  public Path tlsPrivateKey() {
    return tlsPrivateKey;
  }

  /** Whether TLS is on. */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /** Outbound bytes queued per connection below which it counts as writable again. */
  public int writeBufferLowWaterMark() {
    return writeBufferLowWaterMark;
  }

  /**
   * Outbound bytes queued per connection above which it is <em>behind</em>: counted after a flush,
   * so only what the socket refused, never what one burst queued before it was flushed.
   */
  public int writeBufferHighWaterMark() {
    return writeBufferHighWaterMark;
  }

  /** What happens to a slow consumer (see {@link #slowConsumerTimeout()}). */
  public SlowConsumerPolicy slowConsumerPolicy() {
    return slowConsumerPolicy;
  }

  /**
   * How long a connection may stay behind (above the high water mark after a flush) before it is a
   * slow consumer. Meanwhile the connections whose messages it is receiving are read more slowly.
   */
  public Duration slowConsumerTimeout() {
    return slowConsumerTimeout;
  }

  /**
   * Outbound bytes that may be queued for one connection at most; past them it is a slow consumer
   * at once. Bounds the memory of a reader that cannot keep up with publications that are not paced
   * (from another node, a timer, or another thread).
   */
  public int slowConsumerMaxPending() {
    return slowConsumerMaxPending;
  }

  /**
   * Largest plain HTTP request body accepted. A larger one is answered 413 with a JSON error that
   * names this limit ({@code {"error":{"code":"payload_too_large","message":...}}}) before it is
   * read whole, and the connection is closed.
   */
  public int maxHttpBodySize() {
    return maxHttpBodySize;
  }

  /** Largest request line plus headers accepted (431 beyond). */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** Whether to use native epoll when available (NIO otherwise). */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  @Override
  public String toString() {
    return "ServerSettings{host="
        + host
        + ", port="
        + port
        + ", paths="
        + paths
        + ", subprotocols="
        + subprotocols
        + ", allowedOrigins="
        + allowedOrigins
        + ", maxFrameSize="
        + maxFrameSize
        + ", maxMessageSize="
        + maxMessageSize
        + ", idleTimeout="
        + idleTimeout
        + ", pingInterval="
        + pingInterval
        + ", handshakeTimeout="
        + handshakeTimeout
        + ", compression="
        + compression
        + ", compressionLevel="
        + compressionLevel
        + ", compressionMinSize="
        + compressionMinSize
        + ", compressionContextTakeover="
        + compressionContextTakeover
        + ", maxConnections="
        + maxConnections
        + ", maxConnectionsPerIp="
        + maxConnectionsPerIp
        + ", ioThreads="
        + ioThreads
        + ", reusePort="
        + reusePort
        + ", tls="
        + tls()
        + ", writeBufferLowWaterMark="
        + writeBufferLowWaterMark
        + ", writeBufferHighWaterMark="
        + writeBufferHighWaterMark
        + ", slowConsumerPolicy="
        + slowConsumerPolicy
        + ", slowConsumerTimeout="
        + slowConsumerTimeout
        + ", slowConsumerMaxPending="
        + slowConsumerMaxPending
        + ", maxHttpBodySize="
        + maxHttpBodySize
        + ", maxHeaderSize="
        + maxHeaderSize
        + ", nativeTransport="
        + nativeTransport
        + '}';
  }

  /** Builds {@link ServerSettings}; {@link #build()} checks every value. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<String> paths = List.of("/");
    private List<String> subprotocols = List.of();
    private List<String> allowedOrigins = List.of();
    private int maxFrameSize;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private boolean compression = true;
    private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
    private int compressionMinSize = DEFAULT_COMPRESSION_MIN_SIZE;
    private boolean compressionContextTakeover;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
    private int ioThreads;
    private boolean reusePort;
    private Path tlsCertificate;
    private Path tlsPrivateKey;
    private int writeBufferLowWaterMark = DEFAULT_WRITE_BUFFER_LOW;
    private int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH;
    private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DROP;
    private Duration slowConsumerTimeout = DEFAULT_SLOW_CONSUMER_TIMEOUT;
    private int slowConsumerMaxPending;
    private int maxHttpBodySize = DEFAULT_MAX_HTTP_BODY_SIZE;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private boolean nativeTransport = true;

    private Builder() {}

    private Builder(ServerSettings s) {
      host = s.host;
      port = s.port;
      paths = s.paths;
      subprotocols = s.subprotocols;
      allowedOrigins = s.allowedOrigins;
      maxFrameSize = s.maxFrameSize;
      maxMessageSize = s.maxMessageSize;
      idleTimeout = s.idleTimeout;
      pingInterval = s.pingInterval;
      handshakeTimeout = s.handshakeTimeout;
      compression = s.compression;
      compressionLevel = s.compressionLevel;
      compressionMinSize = s.compressionMinSize;
      compressionContextTakeover = s.compressionContextTakeover;
      maxConnections = s.maxConnections;
      maxConnectionsPerIp = s.maxConnectionsPerIp;
      ioThreads = s.ioThreads;
      reusePort = s.reusePort;
      tlsCertificate = s.tlsCertificate;
      tlsPrivateKey = s.tlsPrivateKey;
      writeBufferLowWaterMark = s.writeBufferLowWaterMark;
      writeBufferHighWaterMark = s.writeBufferHighWaterMark;
      slowConsumerPolicy = s.slowConsumerPolicy;
      slowConsumerTimeout = s.slowConsumerTimeout;
      slowConsumerMaxPending = s.slowConsumerMaxPending;
      maxHttpBodySize = s.maxHttpBodySize;
      maxHeaderSize = s.maxHeaderSize;
      nativeTransport = s.nativeTransport;
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

    public Builder paths(String... paths) {
      return paths(List.of(paths));
    }

    public Builder subprotocols(List<String> subprotocols) {
      this.subprotocols = List.copyOf(subprotocols);
      return this;
    }

    public Builder subprotocols(String... subprotocols) {
      return subprotocols(List.of(subprotocols));
    }

    public Builder allowedOrigins(List<String> origins) {
      this.allowedOrigins = List.copyOf(origins);
      return this;
    }

    public Builder allowedOrigins(String... origins) {
      return allowedOrigins(List.of(origins));
    }

    /** 0 (the default) means the same as the maximum message size. */
    public Builder maxFrameSize(int bytes) {
      this.maxFrameSize = bytes;
      return this;
    }

    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "pingInterval");
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Objects.requireNonNull(timeout, "handshakeTimeout");
      return this;
    }

    public Builder compression(boolean on) {
      this.compression = on;
      return this;
    }

    public Builder compressionLevel(int level) {
      this.compressionLevel = level;
      return this;
    }

    public Builder compressionMinSize(int bytes) {
      this.compressionMinSize = bytes;
      return this;
    }

    public Builder compressionContextTakeover(boolean on) {
      this.compressionContextTakeover = on;
      return this;
    }

    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    /** 0 (the default) means no per-address limit. */
    public Builder maxConnectionsPerIp(int max) {
      this.maxConnectionsPerIp = max;
      return this;
    }

    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    public Builder reusePort(boolean on) {
      this.reusePort = on;
      return this;
    }

    /** TLS from PEM files; both {@code null} turns TLS off. */
    public Builder tls(Path certificateChain, Path privateKey) {
      this.tlsCertificate = certificateChain;
      this.tlsPrivateKey = privateKey;
      return this;
    }

    public Builder writeBufferWaterMarks(int low, int high) {
      this.writeBufferLowWaterMark = low;
      this.writeBufferHighWaterMark = high;
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

    /** 0 (the default) for 4 MiB or twice the high water mark, whichever is more. */
    public Builder slowConsumerMaxPending(int bytes) {
      this.slowConsumerMaxPending = bytes;
      return this;
    }

    public Builder maxHttpBodySize(int bytes) {
      this.maxHttpBodySize = bytes;
      return this;
    }

    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = bytes;
      return this;
    }

    public Builder nativeTransport(boolean on) {
      this.nativeTransport = on;
      return this;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one.
     */
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
}
