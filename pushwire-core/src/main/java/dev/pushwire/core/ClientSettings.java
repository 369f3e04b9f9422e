package dev.pushwire.core;

import static dev.pushwire.core.internal.Checks.check;
import static dev.pushwire.core.internal.Checks.isToken;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable settings of a {@link WebSocketClient}; the URI to connect to is given to {@link
 * WebSocketClient#create} instead, so one settings object serves many clients. Build with {@link
 * #newBuilder()}; derive with {@link #toBuilder()}. Defaults match the server's: 64 KiB messages,
 * permessage-deflate on, 10 s to connect and 10 s for the handshake, no reconnect.
 */
public final class ClientSettings {
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_IO_THREADS = 1;

  /** Headers that the handshake itself sets; a custom value would be ignored or break it. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "connection",
          "upgrade",
          "sec-websocket-key",
          "sec-websocket-version",
          "sec-websocket-protocol",
          "sec-websocket-extensions");

  /** The defaults; declared after the constants that building it reads. */
  public static final ClientSettings DEFAULT = newBuilder().build();

  private final List<Map.Entry<String, String>> headers;
  private final List<String> subprotocols;
  private final boolean compression;
  private final Duration connectTimeout;
  private final Duration handshakeTimeout;
  private final Duration closeTimeout;
  private final int maxMessageSize;
  private final ReconnectPolicy reconnect;
  private final Path trustedCaFile;
  private final int ioThreads;
  private final boolean nativeTransport;

  private ClientSettings(Builder b) {
    this.headers = b.headers;
    this.subprotocols = b.subprotocols;
    this.compression = b.compression;
    this.connectTimeout = b.connectTimeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.closeTimeout = b.closeTimeout;
    this.maxMessageSize = b.maxMessageSize;
    this.reconnect = b.reconnect;
    this.trustedCaFile = b.trustedCaFile;
    this.ioThreads = b.ioThreads;
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

  /** Extra headers of the upgrade request, in order; a name may repeat. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** Subprotocols offered, most preferred first; the server picks one or none. */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** Whether permessage-deflate (RFC 7692) is offered. */
  public boolean compression() {
    return compression;
  }

  /** How long to wait for the TCP connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long to wait, once connected, for the TLS and WebSocket handshakes. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** How long to wait for the server's close frame after sending one before dropping the link. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Largest message accepted after joining fragments and inflating, in bytes; a larger one closes
   * the connection with 1009.
   */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** Whether and when to reconnect after a connection this client did not close has ended. */
  public ReconnectPolicy reconnect() {
    return reconnect;
  }

  /**
   * A PEM file of CA certificates that {@code wss://} servers are verified against instead of the
   * JDK's trust store, or {@code null} for the JDK's trust store.
   */
  public Path trustedCaFile() {
    return trustedCaFile;
  }

  /**
   * Event-loop threads of the group the client creates when none is given; 0 means one per
   * available processor. A client runs on one event loop, so 1 (the default) is enough; to spread
   * many clients over a few threads, create one group and pass it to each client instead.
   */
  public int ioThreads() {
    return ioThreads;
  }

  /** Whether to use native epoll when available (NIO otherwise). */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  @Override
  public String toString() {
    return "ClientSettings{headers="
        + headerNames()
        + ", subprotocols="
        + subprotocols
        + ", compression="
        + compression
        + ", connectTimeout="
        + connectTimeout
        + ", handshakeTimeout="
        + handshakeTimeout
        + ", closeTimeout="
        + closeTimeout
        + ", maxMessageSize="
        + maxMessageSize
        + ", reconnect="
        + reconnect
        + ", trustedCaFile="
        + trustedCaFile
        + ", ioThreads="
        + ioThreads
        + ", nativeTransport="
        + nativeTransport
        + '}';
  }

  /** Header values may carry credentials, so only the names are printed. */
  private List<String> headerNames() {
    List<String> names = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> h : headers) {
      names.add(h.getKey());
    }
    return names;
  }

  /** Builds {@link ClientSettings}; {@link #build()} checks every value. */
  public static final class Builder {
    private List<Map.Entry<String, String>> headers = List.of();
    private List<String> subprotocols = List.of();
    private boolean compression = true;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private ReconnectPolicy reconnect = ReconnectPolicy.DISABLED;
    private Path trustedCaFile;
    private int ioThreads = DEFAULT_IO_THREADS;
    private boolean nativeTransport = true;

    private Builder() {}

    private Builder(ClientSettings s) {
      headers = s.headers;
      subprotocols = s.subprotocols;
      compression = s.compression;
      connectTimeout = s.connectTimeout;
      handshakeTimeout = s.handshakeTimeout;
      closeTimeout = s.closeTimeout;
      maxMessageSize = s.maxMessageSize;
      reconnect = s.reconnect;
      trustedCaFile = s.trustedCaFile;
      ioThreads = s.ioThreads;
      nativeTransport = s.nativeTransport;
    }

    /** Replaces the extra headers. */
    public Builder headers(List<Map.Entry<String, String>> headers) {
      List<Map.Entry<String, String>> copy = new ArrayList<>(headers.size());
      for (Map.Entry<String, String> h : headers) {
        copy.add(Map.entry(h.getKey(), h.getValue()));
      }
      this.headers = List.copyOf(copy);
      return this;
    }

    /** Adds one extra header. */
    public Builder header(String name, String value) {
      List<Map.Entry<String, String>> copy = new ArrayList<>(headers);
      copy.add(Map.entry(name, value));
      this.headers = List.copyOf(copy);
      return this;
    }

    public Builder subprotocols(List<String> subprotocols) {
      this.subprotocols = List.copyOf(subprotocols);
      return this;
    }

    public Builder subprotocols(String... subprotocols) {
      return subprotocols(List.of(subprotocols));
    }

    public Builder compression(boolean on) {
      this.compression = on;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Objects.requireNonNull(timeout, "handshakeTimeout");
      return this;
    }

    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
      return this;
    }

    public Builder maxMessageSize(int bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = Objects.requireNonNull(policy, "reconnect");
      return this;
    }

    /** {@code null} (the default) trusts the JDK's trust store. */
    public Builder trustedCaFile(Path pemFile) {
      this.trustedCaFile = pemFile;
      return this;
    }

    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    public Builder nativeTransport(boolean on) {
      this.nativeTransport = on;
      return this;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one.
     */
    public ClientSettings build() {
      for (Map.Entry<String, String> h : headers) {
        String name = h.getKey();
        check(isToken(name), "headers", name, "a header name (an HTTP token)");
        check(
            !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)),
            "headers",
            name,
            "a header that the handshake does not set itself");
        check(isHeaderValue(h.getValue()), "headers", name, "a value without control characters");
      }
      Set<String> seen = new HashSet<>();
      for (String s : subprotocols) {
        check(isToken(s), "subprotocols", s, "an HTTP token");
        check(seen.add(s), "subprotocols", s, "each subprotocol once");
      }
      checkTimeout(connectTimeout, "connectTimeout");
      checkTimeout(handshakeTimeout, "handshakeTimeout");
      checkTimeout(closeTimeout, "closeTimeout");
      check(maxMessageSize > 0, "maxMessageSize", maxMessageSize, "a positive number of bytes");
      check(ioThreads >= 0, "ioThreads", ioThreads, "0 (one per processor) or more");
      return new ClientSettings(this);
    }

    private static void checkTimeout(Duration timeout, String key) {
      check(
          timeout.compareTo(Duration.ofMillis(1)) >= 0
              && timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) <= 0,
          key,
          timeout,
          "1 ms to 24 days");
    }

    private static boolean isHeaderValue(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if ((c < 32 && c != '\t') || c == 127) {
          return false;
        }
      }
      return true;
    }
  }
}
