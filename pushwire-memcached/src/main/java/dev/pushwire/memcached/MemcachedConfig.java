package dev.pushwire.memcached;

import dev.pushwire.hub.HubConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the Memcached registry connects and how it behaves. Immutable; build one with {@link
 * #newBuilder(String)}, change one with {@link #toBuilder()}.
 *
 * <pre>{@code
 * MemcachedConfig cfg = MemcachedConfig.newBuilder("memcached://10.0.0.7:11211,10.0.0.8:11211")
 *     .nodeId("node-1").build();
 * MemcachedRegistry registry = MemcachedRegistry.connect(cfg);
 * }</pre>
 *
 * <p>With several servers, keys are spread over them by consistent hashing (ketama), so every node
 * must list the same servers.
 */
public final class MemcachedConfig {
  /** The port when a server is given without one: {@value}. */
  public static final int DEFAULT_PORT = 11211;

  /** The prefix of every key: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "pushwire:";

  /** How long a node's records live without a refresh: 30 seconds. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** How long an operation may take before it fails: 2 seconds. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(2);

  /** How often a lost connection is tried again: 1 second. */
  public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(1);

  /** How often a registry that stays unreachable logs it again: 30 seconds. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofSeconds(30);

  /** Into how many keys a node's records (and, separately, its presence) are split: {@value}. */
  public static final int DEFAULT_BUCKETS = 16;

  private static final String SCHEME = "memcached://";

  private final String uri;
  private final List<InetSocketAddress> servers;
  private final String nodeId;
  private final String keyPrefix;
  private final Duration ttl;
  private final Duration operationTimeout;
  private final Duration reconnectInterval;
  private final Duration errorLogInterval;
  private final int buckets;

  private MemcachedConfig(Builder b, List<InetSocketAddress> servers) {
    this.uri = b.uri;
    this.servers = List.copyOf(servers);
    this.nodeId = b.nodeId;
    this.keyPrefix = b.keyPrefix;
    this.ttl = b.ttl;
    this.operationTimeout = b.operationTimeout;
    this.reconnectInterval = b.reconnectInterval;
    this.errorLogInterval = b.errorLogInterval;
    this.buckets = b.buckets;
  }

  /** A builder for {@code memcached://HOST[:PORT][,HOST[:PORT]...]}. */
  public static Builder newBuilder(String uri) {
    return new Builder().uri(uri);
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The URI as given. */
  public String uri() {
    return uri;
  }

  /** The servers, in the order given. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** The servers as {@code host:port,host:port}, for messages and logs. */
  public String address() {
    StringBuilder sb = new StringBuilder();
    for (InetSocketAddress s : servers) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      String host = s.getHostString();
      sb.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(s.getPort());
    }
    return sb.toString();
  }

  /** This node's id: the node whose records {@code refresh()} keeps alive. */
  public String nodeId() {
    return nodeId;
  }

  /** The prefix of every key (default {@value #DEFAULT_KEY_PREFIX}). */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** How long a node's records live without a refresh (whole seconds: Memcached's unit). */
  public Duration ttl() {
    return ttl;
  }

  /** How long an operation may take before it fails with {@code UNAVAILABLE}. */
  public Duration operationTimeout() {
    return operationTimeout;
  }

  /** How often a lost connection is tried again. */
  public Duration reconnectInterval() {
    return reconnectInterval;
  }

  /** How often a registry that stays unreachable logs it again. */
  public Duration errorLogInterval() {
    return errorLogInterval;
  }

  /** Into how many keys a node's records, and its presence entries, are split. */
  public int buckets() {
    return buckets;
  }

  @Override
  public String toString() {
    return "MemcachedConfig{servers="
        + address()
        + ", nodeId="
        + nodeId
        + ", keyPrefix="
        + keyPrefix
        + ", ttl="
        + ttl
        + ", operationTimeout="
        + operationTimeout
        + ", reconnectInterval="
        + reconnectInterval
        + ", errorLogInterval="
        + errorLogInterval
        + ", buckets="
        + buckets
        + '}';
  }

  /** Builds a {@link MemcachedConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private String uri;
    private String nodeId;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration ttl = DEFAULT_TTL;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
    private Duration reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private int buckets = DEFAULT_BUCKETS;

    private Builder() {}

    private Builder(MemcachedConfig c) {
      uri = c.uri;
      nodeId = c.nodeId;
      keyPrefix = c.keyPrefix;
      ttl = c.ttl;
      operationTimeout = c.operationTimeout;
      reconnectInterval = c.reconnectInterval;
      errorLogInterval = c.errorLogInterval;
      buckets = c.buckets;
    }

    /** {@code memcached://HOST[:PORT][,HOST[:PORT]...]}; must not be {@code null}. */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** This node's id, 1-64 characters of {@code A-Z a-z 0-9 _ . -}; required. */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** The prefix of every key; 1-40 printable characters without spaces. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /** How long records live without a refresh; whole seconds, at least 1. */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** How long an operation may take; positive. */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = Objects.requireNonNull(timeout, "operationTimeout");
      return this;
    }

    /** How often a lost connection is tried again; positive. */
    public Builder reconnectInterval(Duration interval) {
      this.reconnectInterval = Objects.requireNonNull(interval, "reconnectInterval");
      return this;
    }

    /** How often an unreachable registry logs it again; positive. */
    public Builder errorLogInterval(Duration interval) {
      this.errorLogInterval = Objects.requireNonNull(interval, "errorLogInterval");
      return this;
    }

    /** Into how many keys a node's records are split, 1-1024; more for more connections. */
    public Builder buckets(int buckets) {
      this.buckets = buckets;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first value that is wrong and what is expected
     */
    public MemcachedConfig build() {
      List<InetSocketAddress> servers = parse(uri);
      check(nodeId != null, "nodeId", null, "1-64 characters of A-Z a-z 0-9 _ . -");
      check(
          HubConfig.isValidNodeId(nodeId),
          "nodeId",
          nodeId,
          "1-64 characters of A-Z a-z 0-9 _ . -");
      check(
          !keyPrefix.isEmpty()
              && keyPrefix.length() <= 40
              && keyPrefix.chars().allMatch(c -> c > ' ' && c < 127),
          "keyPrefix",
          keyPrefix,
          "1-40 printable characters without spaces");
      check(
          ttl.compareTo(Duration.ofSeconds(1)) >= 0 && ttl.toMillis() % 1000 == 0,
          "ttl",
          ttl,
          "whole seconds, at least 1");
      checkPositive(operationTimeout, "operationTimeout");
      checkPositive(reconnectInterval, "reconnectInterval");
      checkPositive(errorLogInterval, "errorLogInterval");
      check(buckets >= 1 && buckets <= 1024, "buckets", buckets, "1-1024");
      return new MemcachedConfig(this, servers);
    }

    private static List<InetSocketAddress> parse(String uri) {
      String expected = "memcached://HOST[:PORT][,HOST[:PORT]...]";
      check(uri != null, "uri", null, expected);
      check(uri.startsWith(SCHEME), "uri", uri, expected);
      String rest = uri.substring(SCHEME.length());
      if (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      List<InetSocketAddress> out = new ArrayList<>();
      for (String part : rest.split(",", -1)) {
        String hostPort = part.trim();
        check(!hostPort.isEmpty(), "uri", uri, expected + " (a server is empty)");
        String host;
        int port = DEFAULT_PORT;
        if (hostPort.startsWith("[")) {
          int end = hostPort.indexOf(']');
          check(end > 1, "uri", uri, expected + " (bad IPv6 address)");
          host = hostPort.substring(1, end);
          String after = hostPort.substring(end + 1);
          if (!after.isEmpty()) {
            check(after.startsWith(":"), "uri", uri, expected);
            port = port(after.substring(1), uri);
          }
        } else {
          int colon = hostPort.lastIndexOf(':');
          host = colon < 0 ? hostPort : hostPort.substring(0, colon);
          if (colon >= 0) {
            port = port(hostPort.substring(colon + 1), uri);
          }
        }
        check(
            !host.isEmpty() && host.indexOf('/') < 0 && host.indexOf('@') < 0,
            "uri",
            uri,
            expected);
        out.add(InetSocketAddress.createUnresolved(host, port));
      }
      return out;
    }

    private static int port(String s, String uri) {
      try {
        int p = Integer.parseInt(s);
        check(p > 0 && p < 65536, "uri", uri, "ports 1-65535");
        return p;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "uri is " + uri + ": expected memcached://HOST[:PORT][,HOST[:PORT]...]", e);
      }
    }

    private static void checkPositive(Duration d, String name) {
      check(!d.isNegative() && !d.isZero(), name, d, "a positive duration");
    }

    private static void check(boolean ok, String name, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(
            name + (value == null ? " is missing" : " is " + value) + ": expected " + expected);
      }
    }
  }
}
