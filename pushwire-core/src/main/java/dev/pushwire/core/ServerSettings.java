package dev.pushwire.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

  ServerSettings(ServerSettingsBuilder b) {
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
  public static ServerSettingsBuilder newBuilder() {
    return new ServerSettingsBuilder();
  }

  /** A builder holding these settings. */
  public ServerSettingsBuilder toBuilder() {
    return new ServerSettingsBuilder(this);
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
}
