package dev.pushwire.server.internal.backends;

import dev.pushwire.memcached.MemcachedConfig;
import dev.pushwire.redis.RedisConfig;
import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.config.ValueType;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The values of the {@code broker}, {@code registry} and {@code registry-ttl} settings: which
 * backend a node uses and where it is. {@code memory} keeps everything in the node; {@code
 * redis://HOST:PORT[/DB]} (or {@code rediss://} for TLS, password in the URI), {@code
 * redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER} (Redis Sentinel: the sentinels and the
 * master's name; {@code rediss-sentinel://} for TLS), {@code
 * redis-cluster://HOST:PORT[,HOST:PORT...]} (Redis Cluster: some of its servers; {@code
 * rediss-cluster://} for TLS) and {@code memcached://HOST:PORT[,HOST:PORT...]} share it between
 * nodes. A password is never written back: {@link #redacted} hides it in {@code serve --check},
 * logs and stats.
 */
public final class BackendUri {
  /** The embedded backend: this process only. */
  public static final String MEMORY = "memory";

  /** The default {@code registry-ttl}. */
  public static final Duration DEFAULT_REGISTRY_TTL = RedisConfig.DEFAULT_REGISTRY_TTL;

  static final String REDIS_EXPECTED = RedisConfig.URI_EXPECTED;
  static final String MEMCACHED_EXPECTED = "memcached://HOST:PORT[,HOST:PORT...]";

  /** What {@code broker} may be. */
  public static final String BROKER_EXPECTED = MEMORY + ", " + REDIS_EXPECTED;

  /** What {@code registry} may be. */
  public static final String REGISTRY_EXPECTED =
      MEMORY
          + ", redis://HOST:PORT[/DB], rediss://HOST:PORT[/DB],"
          + " redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER,"
          + " redis-cluster://HOST:PORT[,HOST:PORT...], several redis:// or redis-sentinel:// URIs"
          + " separated by spaces (the first holds the registry) or "
          + MEMCACHED_EXPECTED;

  /** What {@code registry-ttl} may be. */
  public static final String TTL_EXPECTED = "whole seconds, at least 1s, such as 30s";

  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&]password=)[^&]*");

  /** The kinds of backend. */
  public enum Kind {
    MEMORY,
    REDIS,
    MEMCACHED
  }

  private BackendUri() {}

  /** The kind of backend {@code value} names; it must be a good value. */
  public static Kind kind(String value) {
    if (value.equals(MEMORY)) {
      return Kind.MEMORY;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (isRedisScheme(lower)) {
      return Kind.REDIS;
    }
    if (lower.startsWith("memcached://")) {
      return Kind.MEMCACHED;
    }
    throw new IllegalArgumentException(value);
  }

  /** Whether {@code value} is a good {@code broker}. */
  public static boolean isBroker(String value) {
    return value.equals(MEMORY) || isRedis(value);
  }

  /** Whether {@code value} is a good {@code registry}. */
  public static boolean isRegistry(String value) {
    return value.equals(MEMORY) || isRedis(value) || isMemcached(value);
  }

  /** Whether {@code ttl} is a good {@code registry-ttl}: whole seconds, at least one. */
  public static boolean isRegistryTtl(Duration ttl) {
    return ttl.compareTo(Duration.ofSeconds(1)) >= 0 && ttl.toMillis() % 1000 == 0;
  }

  /** The {@code broker} setting's type. */
  public static ValueType<String> brokerType() {
    return ValueType.of(
            BROKER_EXPECTED, s -> require(s.trim(), isBroker(s.trim())), BackendUri::redacted)
        .redactingWith(BackendUri::redacted);
  }

  /** The {@code registry} setting's type. */
  public static ValueType<String> registryType() {
    return ValueType.of(
            REGISTRY_EXPECTED, s -> require(s.trim(), isRegistry(s.trim())), BackendUri::redacted)
        .redactingWith(BackendUri::redacted);
  }

  /** The {@code registry-ttl} setting's type. */
  public static ValueType<Duration> registryTtlType() {
    return ValueType.of(
        TTL_EXPECTED,
        s -> {
          Duration d = DurationText.parse(s);
          if (!isRegistryTtl(d)) {
            throw new IllegalArgumentException(s);
          }
          return d;
        },
        DurationText::format);
  }

  /**
   * {@code value} with any password replaced by {@code ****}: {@code redis://:****@host:6379}; in a
   * list of shards (URIs separated by spaces), in each of them.
   */
  public static String redacted(String value) {
    String[] parts = value.trim().split("\\s+");
    if (parts.length > 1) {
      StringBuilder out = new StringBuilder();
      for (String part : parts) {
        out.append(out.length() == 0 ? "" : " ").append(redactedOne(part));
      }
      return out.toString();
    }
    return redactedOne(value);
  }

  private static String redactedOne(String value) {
    int scheme = value.indexOf("://");
    if (scheme < 0) {
      return value;
    }
    int start = scheme + 3;
    int end = value.indexOf('/', start);
    if (end < 0) {
      end = value.indexOf('?', start);
    }
    if (end < 0) {
      end = value.length();
    }
    int at = value.lastIndexOf('@', end - 1);
    String out = value;
    if (at >= start) {
      String userInfo = value.substring(start, at);
      int colon = userInfo.indexOf(':');
      String hidden = colon < 0 ? "****" : userInfo.substring(0, colon) + ":****";
      out = value.substring(0, start) + hidden + value.substring(at);
    }
    return QUERY_PASSWORD.matcher(out).replaceAll("$1****");
  }

  private static boolean isRedisScheme(String lower) {
    return lower.startsWith("redis://")
        || lower.startsWith("rediss://")
        || lower.startsWith("redis-sentinel://")
        || lower.startsWith("rediss-sentinel://")
        || lower.startsWith("redis-cluster://")
        || lower.startsWith("rediss-cluster://");
  }

  private static boolean isRedis(String value) {
    String[] shards = value.trim().split("\\s+");
    if (shards.length > 1) {
      // Independent servers, channels spread over them (docs/CLUSTER.md, "Sharding"): each one a
      // good single server or Sentinel URI; a Redis Cluster shards by itself and cannot be one.
      for (String shard : shards) {
        String lower = shard.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-cluster://")
            || lower.startsWith("rediss-cluster://")
            || !isRedisShape(shard)) {
          return false;
        }
      }
    } else if (!isRedisShape(value)) {
      return false;
    }
    try {
      RedisConfig.newBuilder(value).nodeId("check").build();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The scheme, and the hosts and ports Lettuce would misread, of one Redis URI. */
  private static boolean isRedisShape(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (!isRedisScheme(lower)) {
      return false;
    }
    if (lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://")) {
      if (!hasGoodSentinels(value)) {
        return false;
      }
    } else if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
      if (!hasGoodHostPorts(authority(value))) {
        return false;
      }
    } else if (!hasGoodHostPort(value)) {
      return false;
    }
    return true;
  }

  /** Lettuce reads {@code redis://h:abc} as host {@code h:abc}; this does not. */
  private static boolean hasGoodHostPort(String value) {
    return isHostPort(authority(value));
  }

  /** Every sentinel a good host and port, and a master name after {@code #}. */
  private static boolean hasGoodSentinels(String value) {
    int hash = value.indexOf('#');
    if (hash < 0 || hash == value.length() - 1) {
      return false;
    }
    return hasGoodHostPorts(authority(value.substring(0, hash)));
  }

  /** {@code HOST:PORT[,HOST:PORT...]}, each a good host and port. */
  private static boolean hasGoodHostPorts(String authority) {
    for (String hostPort : authority.split(",", -1)) {
      if (!isHostPort(hostPort)) {
        return false;
      }
    }
    return true;
  }

  /** What comes between {@code ://} and the path or query, without the user info. */
  private static String authority(String value) {
    int start = value.indexOf("://") + 3;
    int end = start;
    while (end < value.length() && value.charAt(end) != '/' && value.charAt(end) != '?') {
      end++;
    }
    String authority = value.substring(start, end);
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  private static boolean isHostPort(String hostPort) {
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 2) {
        return false;
      }
      String rest = hostPort.substring(close + 1);
      if (rest.isEmpty()) {
        return true;
      }
      if (!rest.startsWith(":")) {
        return false;
      }
      port = rest.substring(1);
    } else {
      int colon = hostPort.indexOf(':');
      if (colon == 0 || hostPort.isEmpty()) {
        return false;
      }
      if (colon < 0) {
        return true;
      }
      port = hostPort.substring(colon + 1);
    }
    try {
      int p = Integer.parseInt(port);
      return p > 0 && p < 65536;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isMemcached(String value) {
    if (!value.toLowerCase(Locale.ROOT).startsWith("memcached://")) {
      return false;
    }
    try {
      MemcachedConfig.newBuilder(value).nodeId("check").build();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String require(String value, boolean ok) {
    if (!ok) {
      throw new IllegalArgumentException(value);
    }
    return value;
  }
}
