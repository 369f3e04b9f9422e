package dev.pushwire.redis;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.hub.spi.NodeMessageListener;
import dev.pushwire.redis.internal.JumpHash;
import dev.pushwire.redis.internal.RedisConnector;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A broker over several independent Redis servers or Sentinel masters, for those without Redis
 * Cluster: one {@link RedisBroker} per shard, each channel on the shard its name hashes to ({@link
 * JumpHash}: jump consistent hash over the shards in the URI's order). Connect one with {@link
 * RedisBrokers#connect} and a URI that lists the shards separated by spaces.
 *
 * <p>A channel's publications, history and subscription all go to its shard, so a shard that fails
 * fails only its channels' calls; the others go on. {@link #isAvailable()} is whether every shard
 * is, and {@link #lastError()} names the shard.
 *
 * <p>Node messages: a node subscribes to its node topic on every shard, and {@link #sendToNode}
 * tries the shards in order, moving on while one fails or reports no receiver. Nothing can arrive
 * twice (it moves on only when no node got it), and a message still reaches a node while any shard
 * both can reach; the price is a node-topic subscription per shard and a second try, or more, when
 * the first shard is down.
 *
 * <p>Every node must list the same shards in the same order: a node with another list looks for a
 * channel on another shard, and publications do not meet subscribers.
 */
public final class ShardedRedisBroker implements NodeLinkedBroker {
  private final List<RedisBroker> shards;
  private final List<String> addresses;
  private final String nodeId;
  private final ClientResources ownResources;

  private ShardedRedisBroker(
      List<RedisBroker> shards, RedisConfig config, ClientResources ownResources) {
    this.shards = List.copyOf(shards);
    this.addresses = config.shards().stream().map(RedisConfig::address).toList();
    this.nodeId = config.nodeId();
    this.ownResources = ownResources;
  }

  /**
   * Connects to every shard of {@code config}; all must be reachable.
   *
   * @param resources shared by the shards, or {@code null} to make one set for all of them (and
   *     shut it down on {@link #close()})
   * @throws HubException with {@code UNAVAILABLE}, naming the shard, if one cannot be reached
   * @throws IllegalArgumentException if {@code config} has one shard only
   */
  public static ShardedRedisBroker connect(
      RedisConfig config, ClientResources resources, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    if (!config.isSharded()) {
      throw new IllegalArgumentException("one Redis: connect with RedisBroker.connect");
    }
    ClientResources own = resources == null ? RedisConnector.newResources(config) : null;
    ClientResources shared = resources == null ? own : resources;
    List<RedisBroker> connected = new ArrayList<>();
    List<RedisConfig> configs = config.shards();
    try {
      for (int i = 0; i < configs.size(); i++) {
        try {
          connected.add(RedisBroker.connect(configs.get(i), shared, clock));
        } catch (HubException e) {
          throw new HubException(
              e.code(),
              shardName(i, configs.size(), configs.get(i).address()) + ": " + e.getMessage(),
              e);
        }
      }
    } catch (RuntimeException e) {
      connected.forEach(RedisBroker::close);
      if (own != null) {
        own.shutdown(0, 2, TimeUnit.SECONDS);
      }
      throw e;
    }
    return new ShardedRedisBroker(connected, config, own);
  }

  /** The shard, 0 to {@code shardCount() - 1}, that holds {@code channel}. */
  public int shardOf(String channel) {
    return JumpHash.shardOf(channel, shards.size());
  }

  /** How many shards there are. */
  public int shardCount() {
    return shards.size();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Starts every shard, which subscribes to this node's topic on each.
   *
   * @throws HubException with {@code UNAVAILABLE}, naming the shard, if one cannot subscribe
   */
  @Override
  public void start(BrokerListener listener) {
    Objects.requireNonNull(listener, "listener");
    for (int i = 0; i < shards.size(); i++) {
      try {
        shards.get(i).start(listener);
      } catch (HubException e) {
        throw new HubException(e.code(), shardName(i) + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    return shard(channel).publish(channel, data, options);
  }

  @Override
  public CompletionStage<PublishResult> publishOwned(
      String channel, byte[] data, PublishOptions options) {
    return shard(channel).publishOwned(channel, data, options);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    return shard(channel).history(channel, options);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return shard(channel).subscribe(channel);
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return shard(channel).unsubscribe(channel);
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    return shard(channel).removeHistory(channel);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Tries shard 0 first, then the next while a shard fails or no node got the message there.
   * Fails with the first shard's error when every shard failed.
   */
  @Override
  public CompletionStage<Long> sendToNode(String nodeId, byte[] message) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(message, "message");
    return sendFrom(0, nodeId, message, null);
  }

  private CompletionStage<Long> sendFrom(int i, String nodeId, byte[] message, Throwable first) {
    if (i == shards.size()) {
      return first == null
          ? CompletableFuture.completedFuture(0L)
          : CompletableFuture.failedFuture(first);
    }
    return shards
        .get(i)
        .sendToNode(nodeId, message)
        .handle(
            (n, e) ->
                e == null && n > 0
                    ? CompletableFuture.completedFuture(n)
                    : sendFrom(
                        i + 1, nodeId, message, first != null || e == null ? first : unwrap(e)))
        .thenCompose(s -> s);
  }

  @Override
  public ShardedRedisBroker onNodeMessage(NodeMessageListener listener) {
    Objects.requireNonNull(listener, "listener");
    shards.forEach(s -> s.onNodeMessage(listener));
    return this;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /** Whether every shard is reachable. */
  @Override
  public boolean isAvailable() {
    return shards.stream().allMatch(RedisBroker::isAvailable);
  }

  /**
   * The last error of the first shard that is unavailable, or else of the first that had one,
   * naming the shard; {@code null} if none had one.
   */
  @Override
  public String lastError() {
    String any = null;
    for (int i = 0; i < shards.size(); i++) {
      RedisBroker s = shards.get(i);
      String error = s.lastError();
      if (error != null && !s.isAvailable()) {
        return shardName(i) + ": " + error;
      } else if (error != null && any == null) {
        any = shardName(i) + ": " + error;
      }
    }
    return any;
  }

  @Override
  public List<String> subscribedChannels() {
    List<String> out = new ArrayList<>();
    shards.forEach(s -> out.addAll(s.subscribedChannels()));
    Collections.sort(out);
    return out;
  }

  @Override
  public void close() {
    try {
      shards.forEach(RedisBroker::close);
    } finally {
      if (ownResources != null) {
        ownResources.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "ShardedRedisBroker{" + String.join(" ", addresses) + ", node=" + nodeId + '}';
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private RedisBroker shard(String channel) {
    Objects.requireNonNull(channel, "channel");
    return shards.get(shardOf(channel));
  }

  private String shardName(int i) {
    return shardName(i, shards.size(), addresses.get(i));
  }

  private static String shardName(int i, int n, String address) {
    return "shard " + (i + 1) + " of " + n + " (" + address + ")";
  }
}
