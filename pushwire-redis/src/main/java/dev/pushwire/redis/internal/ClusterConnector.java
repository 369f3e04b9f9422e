package dev.pushwire.redis.internal;

import dev.pushwire.redis.RedisConfig;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster through Lettuce's {@link RedisClusterClient}: it learns the slot map from the
 * servers in the URI, sends each command to the master of its key's slot, and follows {@code
 * MOVED}/{@code ASK} redirections and topology changes (a failover, a resharding).
 */
final class ClusterConnector extends RedisConnector {
  private static final Logger log = LoggerFactory.getLogger(ClusterConnector.class);

  /** How often the slot map is read again even when no redirection or error asked for it. */
  private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

  private final RedisClusterClient client;

  ClusterConnector(RedisConfig config, ClientResources resources) {
    super(config, resources);
    this.client = RedisClusterClient.create(resources(), config.clusterSeeds());
    client.setOptions(
        configure(ClusterClientOptions.builder(), config)
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                    .enableAllAdaptiveRefreshTriggers()
                    .build())
            .build());
  }

  @Override
  public RedisClusterClient client() {
    return client;
  }

  @Override
  public boolean isCluster() {
    return true;
  }

  @Override
  public CommandConnection connect() {
    StatefulRedisClusterConnection<String, byte[]> c = connecting(() -> client.connect(CODEC));
    warmUp(c.getPartitions(), c::getConnectionAsync);
    return new CommandConnection(c, c.async());
  }

  @Override
  public StatefulRedisPubSubConnection<String, byte[]> connectPubSub() {
    StatefulRedisClusterPubSubConnection<String, byte[]> c =
        connecting(() -> client.connectPubSub(CODEC));
    warmUp(c.getPartitions(), c::getConnectionAsync);
    return c;
  }

  /**
   * Opens the connections to every master now. Lettuce opens them on a command's first use, and
   * rejects that command while the connection is pending (the backends reject commands while
   * disconnected, to fail fast): without this, each master's first command would fail.
   */
  private void warmUp(
      Partitions partitions, BiFunction<String, Integer, CompletableFuture<?>> connectionTo) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (RedisClusterNode node : partitions) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        // By host and port: Lettuce keys the connections it routes commands over so, not by id.
        pending.add(connectionTo.apply(node.getUri().getHost(), node.getUri().getPort()));
      }
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // A master that cannot be reached now is connected to on first use, as Lettuce would.
      log.warn(
          "Redis Cluster at {}: not every master could be connected to: {}",
          config.address(),
          e.getMessage());
    }
  }
}
