package dev.pushwire.server.internal.config;

import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.server.LogFormat;
import dev.pushwire.server.LogLevel;
import dev.pushwire.server.ServerConfig;
import dev.pushwire.server.ServerConfigBuilder;
import dev.pushwire.server.internal.backends.BackendUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The table of every key {@code pushwire serve} understands, in the order of {@code
 * docs/pushwire.example.yaml}: its name, type, flag, and where it goes in a {@link ServerConfig}.
 * {@link ConfigSchema} looks keys up in it.
 */
final class ConfigKeys {
  private static final List<ConfigKey<?>> KEYS = new ArrayList<>();
  private static final ValueType<String> CHANNEL_PATTERN =
      ValueType.matching(
          Pattern.compile("[!-~]+"),
          "channel patterns such as news or chat:* (* matches anything)");

  static {
    add(
        key(
                "host",
                ValueType.text("a host name or address"),
                ServerConfigBuilder::host,
                c -> c.core().host())
            .flag("--host", "ADDRESS", "Address to bind (0.0.0.0)."));
    add(
        key(
                "port",
                ValueType.integer(0, 65535, "0-65535"),
                ServerConfigBuilder::port,
                c -> c.core().port())
            .flag("--port", "PORT", "Port, 0 for any free one (9876)."));
    add(
        key(
                "paths",
                ValueType.listOf(ValueType.path(), false),
                ServerConfigBuilder::paths,
                c -> c.core().paths())
            .flag("--path", "PATH", "Subscriber path; repeat for more (/ and /ws)."));
    add(
        key(
                "allowed-origins",
                ValueType.listOf(
                    ValueType.matching(
                        Pattern.compile("\\*|\\S+://\\S+"),
                        "an origin such as https://example.com or https://*.example.com"),
                    true),
                ServerConfigBuilder::allowedOrigins,
                c -> c.core().allowedOrigins())
            .flag(
                "--allowed-origin",
                "ORIGIN",
                "Browser origin allowed to connect; repeat for more (all)."));
    add(
        key(
                "max-connections",
                ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
                ServerConfigBuilder::maxConnections,
                c -> c.core().maxConnections())
            .flag("--max-connections", "N", "Open connections allowed (100000)."));
    add(
        key(
                "max-message-size",
                ValueType.size(1),
                ServerConfigBuilder::maxMessageSize,
                c -> c.core().maxMessageSize())
            .flag("--max-message-size", "SIZE", "Largest client message, e.g. 64KiB (64KiB)."));
    add(
        key(
                "ping-interval",
                ValueType.durationOrOff(Duration.ofMillis(1), "0 (off) or a duration such as 25s"),
                ServerConfigBuilder::pingInterval,
                c -> c.core().pingInterval())
            .flag(
                "--ping-interval", "DURATION", "Ping each connection this often; 0 is off (25s)."));
    add(
        key(
                "idle-timeout",
                ValueType.durationOrOff(Duration.ofMillis(1), "0 (off) or a duration such as 60s"),
                ServerConfigBuilder::idleTimeout,
                c -> c.core().idleTimeout())
            .flag(
                "--idle-timeout",
                "DURATION",
                "Close connections silent this long; 0 is off (60s)."));
    add(
        key(
                "compression",
                ValueType.bool(),
                ServerConfigBuilder::compression,
                c -> c.core().compression())
            .flag("--compression", null, "Offer permessage-deflate (on)."));
    add(
        key(
                "slow-consumer-policy",
                ValueType.oneOf(SlowConsumerPolicy.class),
                ServerConfigBuilder::slowConsumerPolicy,
                c -> c.core().slowConsumerPolicy())
            .flag("--slow-consumer-policy", "POLICY", "drop or close (drop)."));
    add(
        key(
                "slow-consumer-timeout",
                ValueType.durationAtLeast(
                    Duration.ofMillis(10), "a duration of at least 10ms, such as 3s"),
                ServerConfigBuilder::slowConsumerTimeout,
                c -> c.core().slowConsumerTimeout())
            .flag(
                "--slow-consumer-timeout",
                "DURATION",
                "How long a connection may stay behind before it is a slow consumer (3s)."));
    add(
        key(
                "slow-consumer-max-pending",
                ValueType.size(1024 * 1024),
                ServerConfigBuilder::slowConsumerMaxPending,
                c -> c.core().slowConsumerMaxPending())
            .flag(
                "--slow-consumer-max-pending",
                "SIZE",
                "Bytes queued for one connection that make it a slow consumer at once (4MiB)."));
    add(
        key(
                "drain-notice",
                ValueType.durationOrOff(Duration.ofMillis(1), "0 (none) or a duration such as 2s"),
                ServerConfigBuilder::drainNotice,
                ServerConfig::drainNotice)
            .flag(
                "--drain-notice",
                "DURATION",
                "How long /readyz says draining before a graceful stop closes the listener (2s;"
                    + " 0: none)."));
    add(
        key(
                "warmup.connections",
                ValueType.integer(
                    0,
                    ServerConfig.MAX_WARMUP_CONNECTIONS,
                    "0 (off) to " + ServerConfig.MAX_WARMUP_CONNECTIONS),
                ServerConfigBuilder::warmupConnections,
                ServerConfig::warmupConnections)
            .flag(
                "--warmup-connections",
                "N",
                "Connections the node makes to a throwaway copy of itself before it listens, to"
                    + " have its handshake path compiled; 0 is off ("
                    + ServerConfig.DEFAULT_WARMUP_CONNECTIONS
                    + ")."));
    add(
        key(
                "log-level",
                ValueType.oneOf(LogLevel.class),
                ServerConfigBuilder::logLevel,
                ServerConfig::logLevel)
            .flag("--log-level", "LEVEL", "off, error, warn, info, debug or trace (info)."));
    add(
        key(
                "log-format",
                ValueType.oneOf(LogFormat.class),
                ServerConfigBuilder::logFormat,
                ServerConfig::logFormat)
            .flag(
                "--log-format",
                "FORMAT",
                "text (one readable line per event) or json (one JSON object per line) (text)."));
    add(
        key(
                "drain-timeout",
                ValueType.durationAtLeast(
                    ServerConfig.MIN_DRAIN_TIMEOUT, "a duration of at least 1s, such as 10s"),
                ServerConfigBuilder::drainTimeout,
                ServerConfig::drainTimeout)
            .flag(
                "--drain-timeout",
                "DURATION",
                "How long a graceful stop (SIGTERM, SIGINT, pushwire stop) may take (10s)."));
    add(
        key(
                "node-id",
                ValueType.matching(
                    Pattern.compile("[A-Za-z0-9_.-]{1,64}"),
                    "1-64 characters of A-Z a-z 0-9 _ . -"),
                ServerConfigBuilder::nodeId,
                ServerConfig::nodeId)
            .flag("--node-id", "ID", "This node's id (random)."));
    add(
        key(
                "broker",
                BackendUri.brokerType(),
                ServerConfigBuilder::broker,
                c -> c.backends().broker())
            .flag(
                "--broker",
                "URI",
                "memory, or redis://HOST:PORT[/DB], redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER,"
                    + " redis-cluster://HOST:PORT[,HOST:PORT] or several redis:// or"
                    + " redis-sentinel:// URIs separated by spaces (shards), shared by every node"
                    + " (memory)."));
    add(
        key(
                "registry",
                BackendUri.registryType(),
                ServerConfigBuilder::registry,
                c -> c.backends().registry())
            .flag(
                "--registry",
                "URI",
                "memory, redis://HOST:PORT[/DB], redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER,"
                    + " redis-cluster://HOST:PORT[,HOST:PORT] or memcached://HOST:PORT[,HOST:PORT]"
                    + " (memory)."));
    add(
        key(
                "registry-ttl",
                BackendUri.registryTtlType(),
                ServerConfigBuilder::registryTtl,
                c -> c.backends().registryTtl())
            .flag(
                "--registry-ttl",
                "DURATION",
                "How long a dead node's records stay in the registry (30s)."));
    add(
        key(
                "api.keys",
                ValueType.listOf(
                    ValueType.matching(
                        Pattern.compile("[!-~]+"), "keys of printable characters without spaces"),
                    true),
                ServerConfigBuilder::apiKeys,
                ServerConfig::apiKeys)
            .flag(
                "--api-key",
                "KEY",
                "API key for the HTTP API and publisher socket; repeat for more.")
            .asSecret());
    add(
        key(
                "api.max-body-size",
                ValueType.size(1),
                ServerConfigBuilder::maxBodySize,
                c -> c.core().maxHttpBodySize())
            .flag("--max-body-size", "SIZE", "Largest HTTP API body (1MiB)."));
    add(
        key(
                "publisher.path",
                ValueType.path(),
                ServerConfigBuilder::publisherPath,
                ServerConfig::publisherPath)
            .flag("--publisher-path", "PATH", "Path of the publisher socket (/publish)."));
    add(
        key(
                "tick.period",
                ValueType.durationOrOff(
                    ServerConfig.MIN_TICK_PERIOD,
                    "0 (off) or a duration of at least 10ms, such as 1s"),
                ServerConfigBuilder::tickPeriod,
                ServerConfig::tickPeriod)
            .flag("--tick", "PERIOD", "Publish every PERIOD, e.g. 1s, with no publisher (off)."));
    add(
        key(
                "tick.channel",
                ValueType.channel(),
                ServerConfigBuilder::tickChannel,
                ServerConfig::tickChannel)
            .flag("--tick-channel", "CHANNEL", "Channel of the --tick messages (default)."));
    add(
        key(
                "tick.data",
                ValueType.anyText("text"),
                ServerConfigBuilder::tickData,
                ServerConfig::tickData)
            .flag(
                "--tick-data", "TEXT", "Text of the --tick messages ({\"seq\":N,\"time\":...})."));
    add(
        key(
                "history.size",
                ValueType.integer(
                    0, ServerConfig.MAX_HISTORY_SIZE, "0-" + ServerConfig.MAX_HISTORY_SIZE),
                ServerConfigBuilder::historySize,
                c -> c.hub().historySize())
            .flag("--history-size", "N", "Publications kept per channel (100)."));
    add(
        key(
                "history.ttl",
                ValueType.positiveDuration(),
                ServerConfigBuilder::historyTtl,
                c -> c.hub().historyTtl())
            .flag("--history-ttl", "DURATION", "How long they are kept (5m)."));
    add(
        key(
                "max-subscriptions",
                ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
                ServerConfigBuilder::maxSubscriptions,
                c -> c.hub().maxSubscriptionsPerConnection())
            .flag("--max-subscriptions", "N", "Channels per connection (128)."));
    add(
        key(
            "max-connections-per-ip",
            ValueType.integer(0, Integer.MAX_VALUE, "0 (off) or more"),
            ServerConfigBuilder::maxConnectionsPerIp,
            c -> c.core().maxConnectionsPerIp()));
    add(
        key(
            "limits.command-rate",
            ValueType.integer(0, Integer.MAX_VALUE, "0 (off) or more commands per second"),
            ServerConfigBuilder::commandRate,
            c -> (int) c.hub().commandRate()));
    add(
        key(
            "limits.command-burst",
            ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
            ServerConfigBuilder::commandBurst,
            c -> c.hub().commandBurst()));
    add(
        key(
            "limits.max-rate-limited-commands",
            ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
            ServerConfigBuilder::maxRateLimitedCommands,
            c -> c.hub().maxRateLimitedCommands()));
    add(
        key(
            "limits.max-channels",
            ValueType.integer(1, Integer.MAX_VALUE, "1 or more"),
            ServerConfigBuilder::maxChannels,
            c -> c.backends().maxChannels()));
    add(
        key(
                "client-publish",
                ValueType.bool(),
                ServerConfigBuilder::clientPublish,
                ServerConfig::clientPublish)
            .flag("--client-publish", null, "Let pushwire.v1 clients publish (off)."));
    add(
        key(
                "dashboard.enabled",
                ValueType.bool(),
                ServerConfigBuilder::dashboardEnabled,
                ServerConfig::dashboardEnabled)
            .flag(
                "--dashboard",
                null,
                "Serve the dashboard at / (on; loopback clients only without --admin-secret)."));
    add(
        key(
                "admin.secret",
                ValueType.matching(
                    Pattern.compile("[!-~]{16,}"),
                    "16 or more printable characters without spaces"),
                ServerConfigBuilder::adminSecret,
                ServerConfig::adminSecret)
            .flag(
                "--admin-secret",
                "SECRET",
                "Secret to open the dashboard from other machines (none).")
            .asSecret());
    add(
        key(
                "auth.hmac-secret",
                ValueType.matching(
                    Pattern.compile("[!-~]{32,}"),
                    "32 or more printable characters without spaces"),
                (b, v) -> b.auth(b.auth().withHmacSecret(v)),
                c -> c.auth().hmacSecret())
            .asSecret());
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

  private ConfigKeys() {}

  /** Every key, in documentation order. */
  static List<ConfigKey<?>> all() {
    return List.copyOf(KEYS);
  }

  private static <T> ConfigKey<T> key(
      String name,
      ValueType<T> type,
      BiConsumer<ServerConfigBuilder, T> setter,
      Function<ServerConfig, T> getter) {
    return new ConfigKey<>(name, type, setter, getter);
  }

  private static void add(ConfigKey<?> key) {
    KEYS.add(key);
  }

  private static <T> void add(
      String name,
      ValueType<T> type,
      BiConsumer<ServerConfigBuilder, T> setter,
      Function<ServerConfig, T> getter) {
    add(key(name, type, setter, getter));
  }
}
