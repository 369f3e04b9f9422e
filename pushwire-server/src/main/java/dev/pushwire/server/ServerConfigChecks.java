package dev.pushwire.server;

import dev.pushwire.hub.ChannelName;
import dev.pushwire.server.internal.config.DurationText;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checks of {@link ServerConfigBuilder#build()}. Each failure is an {@link
 * IllegalArgumentException} that names the value by its YAML key, such as {@code port: bad value
 * '70000' (expected 0-65535)}; {@link ConfigLoader} passes the message on to the user as it is.
 */
final class ServerConfigChecks {
  static final String DRAIN_TIMEOUT_EXPECTED = "a duration of at least 1s, such as 10s";
  static final String ADMIN_SECRET_EXPECTED = "16 or more printable characters without spaces";
  static final String WARMUP_EXPECTED = "0 (off) to " + ServerConfig.MAX_WARMUP_CONNECTIONS;
  static final String CHANNEL_EXPECTED =
      "a channel name: 1-200 characters of A-Z a-z 0-9 _ . : @ / -";

  /**
   * The engine and the hub check their own settings, naming them as their builders do ({@code
   * maxMessageSize}); a node's settings are known by their YAML keys ({@code max-message-size}).
   * The values of the file, the environment and the flags were checked by their key's type before,
   * so only a value set from Java gets here.
   */
  private static final Map<String, String> YAML_KEYS =
      Map.ofEntries(
          Map.entry("allowedOrigins", "allowed-origins"),
          Map.entry("maxConnections", "max-connections"),
          Map.entry("maxConnectionsPerIp", "max-connections-per-ip"),
          Map.entry("maxMessageSize", "max-message-size"),
          Map.entry("pingInterval", "ping-interval"),
          Map.entry("idleTimeout", "idle-timeout"),
          Map.entry("slowConsumerTimeout", "slow-consumer-timeout"),
          Map.entry("slowConsumerMaxPending", "slow-consumer-max-pending"),
          Map.entry("maxHttpBodySize", "api.max-body-size"),
          Map.entry("nodeId", "node-id"),
          Map.entry("historySize", "history.size"),
          Map.entry("historyTtl", "history.ttl"),
          Map.entry("maxSubscriptionsPerConnection", "max-subscriptions"),
          Map.entry("commandRate", "limits.command-rate"),
          Map.entry("commandBurst", "limits.command-burst"),
          Map.entry("maxRateLimitedCommands", "limits.max-rate-limited-commands"));

  private ServerConfigChecks() {}

  /** Builds a part of the config, naming a bad value by its YAML key. */
  static <T> T part(Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      int colon = message.indexOf(": ");
      String key = colon < 0 ? null : YAML_KEYS.get(message.substring(0, colon));
      if (key == null) {
        throw e;
      }
      throw new IllegalArgumentException(key + message.substring(colon), e);
    }
  }

  /** What the parts do not check themselves, and what only a node needs. */
  static void check(ServerConfig c) {
    List<String> paths = c.core().paths();
    for (String p : paths) {
      check(isPath(p), "paths", p, "a path starting with /");
    }
    for (String k : c.apiKeys()) {
      check(isApiKey(k), "api.keys", k, "keys of printable characters without spaces");
    }
    check(
        c.core().maxHttpBodySize() >= 1,
        "api.max-body-size",
        c.core().maxHttpBodySize(),
        "1 byte or more");
    check(isPath(c.publisherPath()), "publisher.path", c.publisherPath(), "a path starting with /");
    check(
        !paths.contains(c.publisherPath()),
        "publisher.path",
        c.publisherPath(),
        "a path that is not one of the subscriber paths " + paths);
    check(
        c.tickPeriod().isZero() || c.tickPeriod().compareTo(ServerConfig.MIN_TICK_PERIOD) >= 0,
        "tick.period",
        DurationText.format(c.tickPeriod()),
        "0 (off) or at least 10ms");
    check(ChannelName.isValid(c.tickChannel()), "tick.channel", c.tickChannel(), CHANNEL_EXPECTED);
    check(
        c.drainTimeout().compareTo(ServerConfig.MIN_DRAIN_TIMEOUT) >= 0,
        "drain-timeout",
        DurationText.format(c.drainTimeout()),
        DRAIN_TIMEOUT_EXPECTED);
    check(
        c.warmupConnections() >= 0 && c.warmupConnections() <= ServerConfig.MAX_WARMUP_CONNECTIONS,
        "warmup.connections",
        c.warmupConnections(),
        WARMUP_EXPECTED);
    if (c.adminSecret() != null && !isAdminSecret(c.adminSecret())) {
      // The value is a secret: the message does not repeat it.
      throw new IllegalArgumentException(
          "admin.secret: bad value (expected " + ADMIN_SECRET_EXPECTED + ")");
    }
    c.auth().check();
  }

  private static boolean isPath(String p) {
    return p.startsWith("/") && p.indexOf('?') < 0 && p.indexOf('#') < 0 && !p.contains(" ");
  }

  private static boolean isAdminSecret(String s) {
    return s.length() >= 16 && isApiKey(s);
  }

  private static boolean isApiKey(String k) {
    if (k.isEmpty()) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c <= 32 || c >= 127) {
        return false;
      }
    }
    return true;
  }

  static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "%s: bad value '%s' (expected %s)", key, value, expected));
    }
  }
}
