package dev.pushwire.redis.internal;

import dev.pushwire.redis.RedisConfig;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the sharded form of the Redis URI: several URIs separated by spaces, which no URI can
 * contain unencoded, so that each shard may be a {@code redis://} server or a {@code
 * redis-sentinel://} master with its own credentials and options. Also writes addresses without
 * credentials, for messages and logs.
 */
public final class ShardUris {
  private ShardUris() {}

  /** Whether {@code uri} is a list of several URIs. */
  public static boolean isList(String uri) {
    return uri.strip().split("\\s+").length > 1;
  }

  /**
   * The URIs of the list, in order.
   *
   * @throws IllegalArgumentException for a Redis Cluster URI or a URI given twice, naming it
   *     (without its password)
   */
  public static List<String> split(String uri) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] parts = uri.strip().split("\\s+");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      String lower = part.toLowerCase(Locale.ROOT);
      if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
        throw new IllegalArgumentException(
            "uri shard "
                + (i + 1)
                + " is the Redis Cluster "
                + withoutPassword(part)
                + ": a cluster shards channels by itself and cannot be one of several shards;"
                + " expected shards of redis://HOST:PORT[/DB] or"
                + " redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER separated by spaces,"
                + " or one redis-cluster:// URI alone");
      }
      if (!seen.add(lower)) {
        throw new IllegalArgumentException(
            "uri names shard "
                + withoutPassword(part)
                + " twice: expected each Redis once (its channels would be two shards' at once)");
      }
      out.add(part);
    }
    return out;
  }

  /**
   * {@code build} applied to each URI, in order.
   *
   * @throws IllegalArgumentException what {@code build} threw, saying which shard it was about
   */
  public static <T> List<T> each(List<String> uris, Function<String, T> build) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      try {
        out.add(build.apply(uris.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("shard " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** The shards' addresses separated by spaces. */
  public static String address(List<RedisConfig> shards) {
    return shards.stream().map(RedisConfig::address).collect(Collectors.joining(" "));
  }

  /**
   * {@code redis://host:port/db}, or {@code redis-sentinel://host:port,host:port/db#master} (and
   * their {@code rediss} forms), without credentials.
   */
  public static String address(RedisURI uri) {
    String db = uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "";
    if (uri.getSentinels().isEmpty()) {
      String scheme = uri.isSsl() ? "rediss" : "redis";
      return scheme + "://" + uri.getHost() + ":" + uri.getPort() + db;
    }
    String hosts =
        uri.getSentinels().stream()
            .map(s -> s.getHost() + ":" + s.getPort())
            .collect(Collectors.joining(","));
    String scheme = uri.isSsl() ? "rediss-sentinel" : "redis-sentinel";
    return scheme + "://" + hosts + db + "#" + uri.getSentinelMasterId();
  }

  /** {@code uri} up to its host, with any user info dropped. */
  private static String withoutPassword(String uri) {
    int start = uri.indexOf("://") + 3;
    int at = uri.lastIndexOf('@');
    return at >= start ? uri.substring(0, start) + uri.substring(at + 1) : uri;
  }
}
