package dev.pushwire.redis;

import dev.pushwire.hub.HubConfig;
import dev.pushwire.redis.internal.ClusterUri;
import dev.pushwire.redis.internal.ShardUris;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Where the Redis backends connect and how they behave. Immutable; build one with {@link
 * #newBuilder(String)}, change one with {@link #toBuilder()}.
 *
 * <pre>{@code
 * RedisConfig cfg = RedisConfig.newBuilder("redis://127.0.0.1:6379/0").nodeId("node-1").build();
 * RedisBroker broker = RedisBroker.connect(cfg);
 * }</pre>
 *
 * <p>The URI is {@code redis://[[user]:password@]HOST[:PORT][/DB]}, or {@code rediss://...} for
 * TLS, as Lettuce's {@link RedisURI} reads it. With Redis Sentinel it names the sentinels and the
 * master's name instead: {@code redis-sentinel://[password@]HOST:PORT[,HOST:PORT...][/DB]#MASTER}
 * (or {@code rediss-sentinel://...}); Lettuce asks the sentinels where the master is on every
 * (re)connection, so that after a failover the backends reconnect to the promoted replica by
 * themselves. With Redis Cluster it names some of the cluster's servers (Lettuce finds the rest):
 * {@code redis-cluster://[[user:]password@]HOST:PORT[,HOST:PORT...]} (or {@code
 * rediss-cluster://...}); a cluster has only database 0. Several such URIs of servers or Sentinel
 * masters (no Cluster), separated by spaces, are independent shards, each channel on one of them
 * (see {@link ShardedRedisBroker}). The password is never shown by {@link #toString()} or in error
 * messages.
 */
public final class RedisConfig {
  /** The prefix of every key and topic: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "pushwire:";

  /** How long a command may take before it fails: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** The longest wait between two reconnection attempts: 2 seconds. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

  /** How long a node's registry records live without a refresh: 30 seconds. */
  public static final Duration DEFAULT_REGISTRY_TTL = Duration.ofSeconds(30);

  /**
   * How long the position of a channel that was read but never published to is kept: 1 minute.
   * Short, because anyone who may read may make such keys; a node subscribed to the channel keeps
   * it alive for as long as it is.
   */
  public static final Duration DEFAULT_STREAM_META_TTL = Duration.ofMinutes(1);

  /** How often a backend that stays unreachable logs it again: 30 seconds. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofSeconds(30);

  /** What {@link Builder#uri} accepts, for error messages. */
  public static final String URI_EXPECTED =
      "redis://HOST:PORT[/DB], rediss://HOST:PORT[/DB],"
          + " redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER or"
          + " redis-cluster://HOST:PORT[,HOST:PORT...], or shards: several redis:// or"
          + " redis-sentinel:// URIs separated by spaces";

  private final String uri;
  private final RedisURI redisUri;
  private final String nodeId;
  private final String keyPrefix;
  private final Duration commandTimeout;
  private final Duration maxReconnectDelay;
  private final Duration registryTtl;
  private final Duration streamMetaTtl;
  private final Duration errorLogInterval;
  private final int waitReplicas;
  private final Duration waitTimeout;
  private final List<RedisConfig> shards;

  private RedisConfig(Builder b, RedisURI redisUri, List<RedisConfig> shards) {
    this.uri = b.uri;
    this.redisUri = redisUri;
    this.nodeId = b.nodeId;
    this.keyPrefix = b.keyPrefix;
    this.commandTimeout = b.commandTimeout;
    this.maxReconnectDelay = b.maxReconnectDelay;
    this.registryTtl = b.registryTtl;
    this.streamMetaTtl = b.streamMetaTtl;
    this.errorLogInterval = b.errorLogInterval;
    this.waitReplicas = b.waitReplicas;
    this.waitTimeout = b.waitTimeout;
    this.shards = shards;
  }

  /** A builder for a configuration that connects to {@code uri}. */
  public static Builder newBuilder(String uri) {
    return new Builder().uri(uri);
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The URI as given, password included. */
  public String uri() {
    return uri;
  }

  /**
   * The parsed URI (a copy: Lettuce's {@link RedisURI} is mutable); for a cluster, its first server
   * (see {@link #clusterSeeds()}).
   */
  public RedisURI redisUri() {
    if (isSharded()) {
      return shards.get(0).redisUri();
    } else if (isCluster()) {
      return clusterSeeds().get(0);
    }
    // Parsed again rather than copied: RedisURI.builder(RedisURI) drops the sentinels.
    RedisURI copy = RedisURI.create(uri);
    copy.setTimeout(commandTimeout);
    return copy;
  }

  /**
   * With a {@code redis-cluster://} URI, the servers it names, each with the URI's credentials and
   * TLS setting (new copies); otherwise empty.
   */
  public List<RedisURI> clusterSeeds() {
    List<RedisURI> seeds = isCluster() ? ClusterUri.seeds(uri) : List.of();
    seeds.forEach(s -> s.setTimeout(commandTimeout));
    return seeds;
  }

  /** Whether the URI is several space-separated URIs, each one shard's. */
  public boolean isSharded() {
    return !shards.isEmpty();
  }

  /** The configuration of each shard, in the URI's order (only this one unless it is sharded). */
  public List<RedisConfig> shards() {
    return isSharded() ? shards : List.of(this);
  }

  /** Whether the URI names servers of a Redis Cluster ({@code redis-cluster://}). */
  public boolean isCluster() {
    return isCluster(Builder.schemeOf(uri));
  }

  private static boolean isCluster(String scheme) {
    return scheme != null && scheme.toLowerCase(Locale.ROOT).endsWith("-cluster");
  }

  /**
   * The server as {@code redis://host:port/db}, or the sentinels and master as {@code
   * redis-sentinel://host:port,host:port/db#master}, without credentials, for messages and logs.
   */
  public String address() {
    if (isSharded()) {
      return ShardUris.address(shards);
    } else if (isCluster()) {
      return ClusterUri.address(clusterSeeds());
    }
    return ShardUris.address(redisUri);
  }

  /** Whether the URI names Redis Sentinels and a master rather than one server. */
  public boolean isSentinel() {
    return !redisUri.getSentinels().isEmpty();
  }

  /** This node's id: names its node-addressed topic and its registry records. */
  public String nodeId() {
    return nodeId;
  }

  /** The prefix of every key and pub/sub topic (default {@value #DEFAULT_KEY_PREFIX}). */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** How long a command may take before it fails with {@code UNAVAILABLE}. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** The longest wait between two reconnection attempts (when this module makes the resources). */
  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** How long a node's registry records live without a {@code refresh()}. */
  public Duration registryTtl() {
    return registryTtl;
  }

  /**
   * How long the position of a channel that was read but never published to is kept, unless a node
   * is subscribed to it (each subscribed node refreshes it every third of this).
   */
  public Duration streamMetaTtl() {
    return streamMetaTtl;
  }

  /** How often a backend that stays unreachable logs it again. */
  public Duration errorLogInterval() {
    return errorLogInterval;
  }

  /**
   * How many replicas must acknowledge a publication before the broker accepts it (Redis {@code
   * WAIT}); 0, the default, accepts it once the master has it.
   */
  public int waitReplicas() {
    return waitReplicas;
  }

  /** How long a publication waits for {@link #waitReplicas()} replicas; zero when it does not. */
  public Duration waitTimeout() {
    return waitTimeout;
  }

  @Override
  public String toString() {
    return "RedisConfig{address="
        + address()
        + ", nodeId="
        + nodeId
        + ", keyPrefix="
        + keyPrefix
        + ", commandTimeout="
        + commandTimeout
        + ", maxReconnectDelay="
        + maxReconnectDelay
        + ", registryTtl="
        + registryTtl
        + ", streamMetaTtl="
        + streamMetaTtl
        + ", errorLogInterval="
        + errorLogInterval
        + (waitReplicas > 0 ? ", waitForReplicas=" + waitReplicas + " in " + waitTimeout : "")
        + '}';
  }

  /** Builds a {@link RedisConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private String uri;
    private String nodeId;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Duration registryTtl = DEFAULT_REGISTRY_TTL;
    private Duration streamMetaTtl = DEFAULT_STREAM_META_TTL;
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private int waitReplicas;
    private Duration waitTimeout = Duration.ZERO;

    private Builder() {}

    private Builder(RedisConfig c) {
      uri = c.uri;
      nodeId = c.nodeId;
      keyPrefix = c.keyPrefix;
      commandTimeout = c.commandTimeout;
      maxReconnectDelay = c.maxReconnectDelay;
      registryTtl = c.registryTtl;
      streamMetaTtl = c.streamMetaTtl;
      errorLogInterval = c.errorLogInterval;
      waitReplicas = c.waitReplicas;
      waitTimeout = c.waitTimeout;
    }

    /**
     * {@code redis://HOST:PORT[/DB]}, {@code rediss://...}, or {@code
     * redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER} ({@code rediss-sentinel://...}); must
     * not be {@code null}.
     */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** This node's id, 1-64 characters of {@code A-Z a-z 0-9 _ . -}; required. */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** The prefix of every key and topic; lets several clusters share one Redis. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /** How long a command may take; positive. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Objects.requireNonNull(timeout, "commandTimeout");
      return this;
    }

    /** The longest wait between reconnection attempts; positive. */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = Objects.requireNonNull(delay, "maxReconnectDelay");
      return this;
    }

    /** How long registry records live without a refresh; at least one second. */
    public Builder registryTtl(Duration ttl) {
      this.registryTtl = Objects.requireNonNull(ttl, "registryTtl");
      return this;
    }

    /** How long the position of a read but unpublished channel is kept; positive. */
    public Builder streamMetaTtl(Duration ttl) {
      this.streamMetaTtl = Objects.requireNonNull(ttl, "streamMetaTtl");
      return this;
    }

    /** How often an unreachable backend logs it again; positive. */
    public Builder errorLogInterval(Duration interval) {
      this.errorLogInterval = Objects.requireNonNull(interval, "errorLogInterval");
      return this;
    }

    /**
     * Makes every publication wait, before it is accepted, until {@code replicas} replicas have it
     * (Redis {@code WAIT}), or fail with {@code UNAVAILABLE} after {@code timeout} (it may still
     * have been delivered). Off by default ({@code 0}).
     *
     * <p>Without it, a failover to a replica that lacks the last publications of a stream cannot be
     * told from one that has them: through Sentinel the broker then starts a new epoch on each
     * stream written before the failover, and subscribers are told of a gap. With it, a promoted
     * replica that acknowledged has every accepted publication, and streams keep their epoch.
     * {@code WAIT} holds the broker's command connection, so the timeout should stay well below
     * {@link #commandTimeout(Duration)}.
     *
     * @param replicas 0 (off) or more
     * @param timeout positive when {@code replicas} is
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      this.waitReplicas = replicas;
      this.waitTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first value that is wrong and what is expected
     */
    public RedisConfig build() {
      check(uri != null, "uri", null, URI_EXPECTED);
      if (ShardUris.isList(uri)) {
        String whole = uri;
        try { // each shard checked as if it were the only one
          List<RedisConfig> shards = ShardUris.each(ShardUris.split(whole), u -> uri(u).build());
          return new RedisConfig(uri(whole), shards.get(0).redisUri, shards);
        } finally {
          uri = whole;
        }
      }
      String scheme = schemeOf(uri);
      check(
          SCHEMES.contains(scheme),
          "uri",
          scheme == null ? "a URI without a scheme" : "scheme " + scheme,
          URI_EXPECTED);
      RedisURI parsed;
      if (isCluster(scheme)) {
        parsed = ClusterUri.seeds(uri).get(0);
        check(
            waitReplicas == 0,
            "waitForReplicas",
            waitReplicas,
            "0 with Redis Cluster (WAIT would have to reach the master of each channel)");
      } else {
        try {
          parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "uri is not a Redis URI (" + e.getMessage() + "): expected " + URI_EXPECTED, e);
        }
      }
      if (scheme.endsWith("-sentinel")) {
        // Checked here because Lettuce only finds out on the first connection.
        check(
            parsed.getSentinelMasterId() != null && !parsed.getSentinelMasterId().isBlank(),
            "uri",
            "a Sentinel URI without a master name",
            "#MASTER at its end, as in redis-sentinel://HOST:26379#mymaster");
        check(
            !parsed.getSentinels().isEmpty(),
            "uri",
            "a Sentinel URI without sentinels",
            "redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER");
      }
      check(nodeId != null, "nodeId", null, "1-64 characters of A-Z a-z 0-9 _ . -");
      check(
          HubConfig.isValidNodeId(nodeId),
          "nodeId",
          nodeId,
          "1-64 characters of A-Z a-z 0-9 _ . -");
      check(keyPrefix.indexOf(' ') < 0, "keyPrefix", keyPrefix, "no spaces");
      checkPositive(commandTimeout, "commandTimeout");
      checkPositive(maxReconnectDelay, "maxReconnectDelay");
      check(
          registryTtl.compareTo(Duration.ofSeconds(1)) >= 0,
          "registryTtl",
          registryTtl,
          "at least 1 second");
      checkPositive(streamMetaTtl, "streamMetaTtl");
      checkPositive(errorLogInterval, "errorLogInterval");
      check(waitReplicas >= 0, "waitForReplicas", waitReplicas, "0 (off) or more replicas");
      if (waitReplicas > 0) {
        checkPositive(waitTimeout, "waitForReplicas timeout");
        check(
            waitTimeout.compareTo(commandTimeout) < 0,
            "waitForReplicas timeout",
            waitTimeout,
            "less than commandTimeout (" + commandTimeout + ")");
      }
      return new RedisConfig(this, parsed, List.of());
    }

    private static final Set<String> SCHEMES =
        Set.of(
            "redis",
            "rediss",
            "redis-sentinel",
            "rediss-sentinel",
            "redis-cluster",
            "rediss-cluster");

    static String schemeOf(String uri) {
      int i = uri.indexOf("://");
      return i < 0 ? null : uri.substring(0, i);
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
