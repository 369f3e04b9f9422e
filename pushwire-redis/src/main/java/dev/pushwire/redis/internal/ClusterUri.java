package dev.pushwire.redis.internal;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads and writes {@code redis-cluster://} URIs, which Lettuce has no form for. */
public final class ClusterUri {
  private ClusterUri() {}

  /**
   * The servers of {@code redis-cluster://[[user:]password@]HOST:PORT[,HOST:PORT...]} (or {@code
   * rediss-cluster://}), each with the credentials and TLS setting: Lettuce takes one {@link
   * RedisURI} per server.
   *
   * @throws IllegalArgumentException for anything else, without the password
   */
  public static List<RedisURI> seeds(String uri) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    boolean ssl = uri.toLowerCase(Locale.ROOT).startsWith("rediss-");
    int at = rest.lastIndexOf('@');
    String user = null;
    String password = null;
    if (at >= 0) {
      String info = rest.substring(0, at);
      int colon = info.indexOf(':');
      user = colon < 0 ? null : info.substring(0, colon);
      password = colon < 0 ? info : info.substring(colon + 1);
      rest = rest.substring(at + 1);
    }
    if (rest.endsWith("/") || rest.endsWith("/0")) {
      rest = rest.substring(0, rest.lastIndexOf('/'));
    }
    if (rest.isEmpty() || rest.contains("/") || rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException(
          "uri is a cluster URI with a path or options (a cluster has only database 0): expected"
              + " redis-cluster://HOST:PORT[,HOST:PORT...]");
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String hostPort : rest.split(",", -1)) {
      int colon = hostPort.lastIndexOf(':');
      int port = -1;
      try {
        port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        // Reported below with what is expected.
      }
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException(
            "uri has a bad cluster server '"
                + hostPort
                + "': expected redis-cluster://HOST:PORT[,HOST:PORT...]");
      }
      RedisURI.Builder b =
          RedisURI.builder().withHost(hostPort.substring(0, colon)).withPort(port).withSsl(ssl);
      if (password != null) {
        b =
            user == null || user.isEmpty()
                ? b.withPassword(password.toCharArray())
                : b.withAuthentication(user, password.toCharArray());
      }
      seeds.add(b.build());
    }
    return seeds;
  }

  /** {@code redis-cluster://h1:p1,h2:p2} (or {@code rediss-cluster://}), without credentials. */
  public static String address(List<RedisURI> seeds) {
    StringBuilder hosts = new StringBuilder();
    for (RedisURI s : seeds) {
      hosts.append(hosts.length() > 0 ? "," : "").append(s.getHost()).append(':');
      hosts.append(s.getPort());
    }
    return (seeds.get(0).isSsl() ? "rediss-cluster" : "redis-cluster") + "://" + hosts;
  }
}
