package dev.pushwire.server;

import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.server.internal.backends.BackendUri;
import dev.pushwire.server.internal.config.DurationText;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a node keeps what it shares with other nodes: the broker that carries publications and
 * keeps history, the registry that lists connections and presence, and the bounds of the in-memory
 * broker. See {@code docs/CLUSTER.md}.
 *
 * @param broker {@code broker}: {@code memory} (this node only), {@code redis://HOST:PORT[/DB]}
 *     ({@code rediss://} for TLS), {@code redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER}
 *     ({@code rediss-sentinel://} for TLS) or {@code redis-cluster://HOST:PORT[,HOST:PORT...]}
 *     ({@code rediss-cluster://} for TLS)
 * @param registry {@code registry}: {@code memory}, {@code redis://...}, {@code
 *     redis-sentinel://...}, {@code redis-cluster://...} or {@code
 *     memcached://HOST:PORT[,HOST:PORT...]}
 * @param registryTtl {@code registry-ttl}: how long a node's registry records outlive it when it
 *     dies without removing them; the node refreshes them every third of it
 * @param maxChannels {@code limits.max-channels}: the most channels with publications the in-memory
 *     broker keeps on this node; a publication that would start one more is refused with {@code
 *     too_many_channels}
 */
public record BackendSettings(
    String broker, String registry, Duration registryTtl, int maxChannels) {

  /** Memory broker and registry, records kept 30 s, 100 000 channels. */
  public static final BackendSettings DEFAULT =
      new BackendSettings(
          BackendUri.MEMORY,
          BackendUri.MEMORY,
          BackendUri.DEFAULT_REGISTRY_TTL,
          MemoryBroker.DEFAULT_MAX_CHANNELS);

  public BackendSettings {
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(registryTtl, "registryTtl");
  }

  /** A copy with {@code broker} set. */
  public BackendSettings withBroker(String v) {
    return new BackendSettings(v, registry, registryTtl, maxChannels);
  }

  /** A copy with {@code registry} set. */
  public BackendSettings withRegistry(String v) {
    return new BackendSettings(broker, v, registryTtl, maxChannels);
  }

  /** A copy with {@code registry-ttl} set. */
  public BackendSettings withRegistryTtl(Duration v) {
    return new BackendSettings(broker, registry, v, maxChannels);
  }

  /** A copy with {@code limits.max-channels} set. */
  public BackendSettings withMaxChannels(int v) {
    return new BackendSettings(broker, registry, registryTtl, v);
  }

  /**
   * How often the hub refreshes this node's registry records: a third of {@code registry-ttl}, at
   * most 10 seconds, so that a record outlives two missed refreshes.
   */
  public Duration refreshInterval() {
    Duration third = registryTtl.dividedBy(3);
    Duration max = Duration.ofSeconds(10);
    return third.compareTo(max) > 0 ? max : third;
  }

  /**
   * Checks every value; a URI is shown with its password masked.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  void check() {
    ServerConfigChecks.check(
        BackendUri.isBroker(broker),
        "broker",
        BackendUri.redacted(broker),
        BackendUri.BROKER_EXPECTED);
    ServerConfigChecks.check(
        BackendUri.isRegistry(registry),
        "registry",
        BackendUri.redacted(registry),
        BackendUri.REGISTRY_EXPECTED);
    ServerConfigChecks.check(
        BackendUri.isRegistryTtl(registryTtl),
        "registry-ttl",
        DurationText.format(registryTtl),
        BackendUri.TTL_EXPECTED);
    ServerConfigChecks.check(maxChannels >= 1, "limits.max-channels", maxChannels, "1 or more");
  }

  @Override
  public String toString() {
    return "BackendSettings{broker="
        + BackendUri.redacted(broker)
        + ", registry="
        + BackendUri.redacted(registry)
        + ", registryTtl="
        + registryTtl
        + ", maxChannels="
        + maxChannels
        + '}';
  }
}
