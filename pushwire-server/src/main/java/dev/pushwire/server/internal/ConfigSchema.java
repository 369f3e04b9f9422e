package dev.pushwire.server.internal;

import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.server.LogFormat;
import dev.pushwire.server.LogLevel;
import dev.pushwire.server.ServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every key {@code pushwire serve} understands, in the order of {@code docs/pushwire.example.yaml}.
 * The YAML file, the environment and the flags are all read through this one table, so a key means
 * the same wherever it is set.
 */
public final class ConfigSchema {
  private static final List<ConfigKey<?>> KEYS = new ArrayList<>();
  private static final ValueType<String> CHANNEL_PATTERN =
      ValueType.matching(
          Pattern.compile("[!-~]+"),
          "channel patterns such as news or chat:* (* matches anything)");

  /** Variables that start with {@code PUSHWIRE_} but are not config keys; they are left alone. */
  public static final Set<String> OTHER_VARIABLES =
      Set.of("PUSHWIRE_CONFIG", "PUSHWIRE_JAVA_OPTS", "PUSHWIRE_JVM_DEFAULTS", "PUSHWIRE_URL");

  /** {@code PUSHWIRE_API_KEY} (one key) is read like {@code PUSHWIRE_API_KEYS}. */
  public static final String API_KEY_VARIABLE = "PUSHWIRE_API_KEY";

  static {
    add(
        "host",
        ValueType.text("a host name or address"),
        ServerConfig.Builder::host,
        ServerConfig::host);
    add(
        "port",
        ValueType.integer(0, 65535, "0-65535"),
        ServerConfig.Builder::port,
        ServerConfig::port);
    add(
        "paths",
        ValueType.listOf(ValueType.path(), false),
        ServerConfig.Builder::paths,
        ServerConfig::paths);
    add(
        "allowed-origins",
        ValueType.listOf(
            ValueType.matching(
                Pattern.compile("\\*|\\S+://\\S+"),
                "an origin such as https://example.com or https://*.example.com"),
            true),
        ServerConfig.Builder::allowedOrigins,
        ServerConfig::allowedOrigins);
    add(
        "max-connections",
        ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
        ServerConfig.Builder::maxConnections,
        ServerConfig::maxConnections);
    add(
        "max-message-size",
        ValueType.size(1),
        ServerConfig.Builder::maxMessageSize,
        ServerConfig::maxMessageSize);
    add(
        "ping-interval",
        ValueType.durationOrOff(Duration.ofMillis(1), "0 (off) or a duration such as 25s"),
        ServerConfig.Builder::pingInterval,
        ServerConfig::pingInterval);
    add(
        "idle-timeout",
        ValueType.durationOrOff(Duration.ofMillis(1), "0 (off) or a duration such as 60s"),
        ServerConfig.Builder::idleTimeout,
        ServerConfig::idleTimeout);
    add(
        "compression",
        ValueType.bool(),
        ServerConfig.Builder::compression,
        ServerConfig::compression);
    add(
        "slow-consumer-policy",
        ValueType.oneOf(SlowConsumerPolicy.class),
        ServerConfig.Builder::slowConsumerPolicy,
        ServerConfig::slowConsumerPolicy);
    add(
        "slow-consumer-timeout",
        ValueType.durationAtLeast(Duration.ofMillis(10), "a duration of at least 10ms, such as 3s"),
        ServerConfig.Builder::slowConsumerTimeout,
        ServerConfig::slowConsumerTimeout);
    add(
        "slow-consumer-max-pending",
        ValueType.size(1024 * 1024),
        ServerConfig.Builder::slowConsumerMaxPending,
        ServerConfig::slowConsumerMaxPending);
    add(
        "drain-notice",
        ValueType.durationOrOff(Duration.ofMillis(1), "0 (none) or a duration such as 2s"),
        ServerConfig.Builder::drainNotice,
        ServerConfig::drainNotice);
    add(
        "log-level",
        ValueType.oneOf(LogLevel.class),
        ServerConfig.Builder::logLevel,
        ServerConfig::logLevel);
    add(
        "log-format",
        ValueType.oneOf(LogFormat.class),
        ServerConfig.Builder::logFormat,
        ServerConfig::logFormat);
    add(
        "drain-timeout",
        ValueType.durationAtLeast(
            ServerConfig.MIN_DRAIN_TIMEOUT, "a duration of at least 1s, such as 10s"),
        ServerConfig.Builder::drainTimeout,
        ServerConfig::drainTimeout);
    add(
        "node-id",
        ValueType.matching(
            Pattern.compile("[A-Za-z0-9_.-]{1,64}"), "1-64 characters of A-Z a-z 0-9 _ . -"),
        ServerConfig.Builder::nodeId,
        ServerConfig::nodeId);
    add("broker", BackendUri.brokerType(), ServerConfig.Builder::broker, ServerConfig::broker);
    add(
        "registry",
        BackendUri.registryType(),
        ServerConfig.Builder::registry,
        ServerConfig::registry);
    add(
        "registry-ttl",
        BackendUri.registryTtlType(),
        ServerConfig.Builder::registryTtl,
        ServerConfig::registryTtl);
    add(
        "api.keys",
        ValueType.listOf(
            ValueType.matching(
                Pattern.compile("[!-~]+"), "keys of printable characters without spaces"),
            true),
        ServerConfig.Builder::apiKeys,
        ServerConfig::apiKeys);
    add(
        "api.max-body-size",
        ValueType.size(1),
        ServerConfig.Builder::maxBodySize,
        ServerConfig::maxBodySize);
    add(
        "publisher.path",
        ValueType.path(),
        ServerConfig.Builder::publisherPath,
        ServerConfig::publisherPath);
    add(
        "tick.period",
        ValueType.durationOrOff(
            ServerConfig.MIN_TICK_PERIOD, "0 (off) or a duration of at least 10ms, such as 1s"),
        ServerConfig.Builder::tickPeriod,
        ServerConfig::tickPeriod);
    add(
        "tick.channel",
        ValueType.channel(),
        ServerConfig.Builder::tickChannel,
        ServerConfig::tickChannel);
    add(
        "tick.data",
        ValueType.anyText("text"),
        ServerConfig.Builder::tickData,
        ServerConfig::tickData);
    add(
        "history.size",
        ValueType.integer(0, ServerConfig.MAX_HISTORY_SIZE, "0-" + ServerConfig.MAX_HISTORY_SIZE),
        ServerConfig.Builder::historySize,
        ServerConfig::historySize);
    add(
        "history.ttl",
        ValueType.positiveDuration(),
        ServerConfig.Builder::historyTtl,
        ServerConfig::historyTtl);
    add(
        "max-subscriptions",
        ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
        ServerConfig.Builder::maxSubscriptions,
        ServerConfig::maxSubscriptions);
    add(
        "max-connections-per-ip",
        ValueType.integer(0, Integer.MAX_VALUE, "0 (off) or more"),
        ServerConfig.Builder::maxConnectionsPerIp,
        ServerConfig::maxConnectionsPerIp);
    add(
        "limits.command-rate",
        ValueType.integer(0, Integer.MAX_VALUE, "0 (off) or more commands per second"),
        ServerConfig.Builder::commandRate,
        ServerConfig::commandRate);
    add(
        "limits.command-burst",
        ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
        ServerConfig.Builder::commandBurst,
        ServerConfig::commandBurst);
    add(
        "limits.max-rate-limited-commands",
        ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
        ServerConfig.Builder::maxRateLimitedCommands,
        ServerConfig::maxRateLimitedCommands);
    add(
        "limits.max-channels",
        ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
        ServerConfig.Builder::maxChannels,
        ServerConfig::maxChannels);
    add(
        "client-publish",
        ValueType.bool(),
        ServerConfig.Builder::clientPublish,
        ServerConfig::clientPublish);
    add(
        "dashboard.enabled",
        ValueType.bool(),
        ServerConfig.Builder::dashboardEnabled,
        ServerConfig::dashboardEnabled);
    add(
        "admin.secret",
        ValueType.matching(
            Pattern.compile("[!-~]{16,}"), "16 or more printable characters without spaces"),
        ServerConfig.Builder::adminSecret,
        ServerConfig::adminSecret);
    add(
        "auth.hmac-secret",
        ValueType.matching(
            Pattern.compile("[!-~]{32,}"), "32 or more printable characters without spaces"),
        (b, v) -> b.auth(b.auth().withHmacSecret(v)),
        c -> c.auth().hmacSecret());
    add(
        "auth.public-key",
        ValueType.text("a PEM public key file"),
        (b, v) -> b.auth(b.auth().withPublicKey(v)),
        c -> c.auth().publicKey());
    add(
        "auth.jwks-file",
        ValueType.text("a JWKS file"),
        (b, v) -> b.auth(b.auth().withJwksFile(v)),
        c -> c.auth().jwksFile());
    add(
        "auth.anonymous",
        ValueType.bool(),
        (b, v) -> b.auth(b.auth().withAnonymous(v)),
        c -> c.auth().anonymous());
    add(
        "auth.clock-skew",
        ValueType.durationOrOff(Duration.ofSeconds(1), "0 or a duration such as 30s"),
        (b, v) -> b.auth(b.auth().withClockSkew(v)),
        c -> c.auth().clockSkew());
    add(
        "auth.connect-timeout",
        ValueType.durationAtLeast(
            Duration.ofMillis(100), "a duration of 100ms or more, such as 10s"),
        (b, v) -> b.auth(b.auth().withConnectTimeout(v)),
        c -> c.auth().connectTimeout());
    add(
        "channels.public",
        ValueType.listOf(CHANNEL_PATTERN, true),
        (b, v) -> b.auth(b.auth().withPublicChannels(v)),
        c -> c.auth().publicChannels());
    add(
        "channels.private",
        ValueType.listOf(CHANNEL_PATTERN, true),
        (b, v) -> b.auth(b.auth().withPrivateChannels(v)),
        c -> c.auth().privateChannels());
    add(
        "channels.client-publish",
        ValueType.listOf(CHANNEL_PATTERN, true),
        (b, v) -> b.auth(b.auth().withClientPublishChannels(v)),
        c -> c.auth().clientPublishChannels());
  }

  private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, ConfigKey<?>> BY_ENV = new LinkedHashMap<>();

  static {
    for (ConfigKey<?> k : KEYS) {
      BY_NAME.put(k.name(), k);
      BY_ENV.put(k.envName(), k);
    }
  }

  private ConfigSchema() {}

  private static <T> void add(
      String name,
      ValueType<T> type,
      BiConsumer<ServerConfig.Builder, T> setter,
      Function<ServerConfig, T> getter) {
    KEYS.add(new ConfigKey<>(name, type, setter, getter));
  }

  /** Every key, in documentation order. */
  public static List<ConfigKey<?>> keys() {
    return Collections.unmodifiableList(KEYS);
  }

  /** The key called {@code name} (dotted), or {@code null}. */
  public static ConfigKey<?> key(String name) {
    return BY_NAME.get(name);
  }

  /** The key whose environment variable is {@code variable}, or {@code null}. */
  public static ConfigKey<?> keyForEnv(String variable) {
    return BY_ENV.get(variable);
  }

  /** Whether {@code name} is a section that holds keys, such as {@code history}. */
  public static boolean isSection(String name) {
    String prefix = name + ".";
    for (String k : BY_NAME.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The keys directly inside {@code section} ({@code ""} for the top level), for messages. */
  public static Set<String> namesIn(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    Set<String> out = new TreeSet<>();
    for (String k : BY_NAME.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        int dot = rest.indexOf('.');
        out.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return out;
  }

  /** The known name closest to {@code name}, if it is close enough to be a likely typo. */
  public static String suggest(String name, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Every environment variable name, in documentation order. */
  public static List<String> envNames() {
    return new ArrayList<>(BY_ENV.keySet());
  }
}
