package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.redis.RedisServerProcess;
import dev.pushwire.redis.internal.JumpHash;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes started with {@code --broker} and {@code --registry} set to two independent Redis
 * servers separated by a space (docs/CLUSTER.md, "Sharding over independent Redis servers"): a
 * publication on one reaches a client of the other through the server that holds the channel, the
 * other server never sees the channel, and either node lists both nodes' connections (the registry
 * is on the first server).
 */
@Timeout(120)
class NodesThroughRedisShardsTest {
  @RegisterExtension static final RedisServerProcess first = new RedisServerProcess();
  @RegisterExtension static final RedisServerProcess second = new RedisServerProcess();

  @Test
  void nodesShareBrokerAndRegistryThroughTwoShards() throws Exception {
    List<RedisServerProcess> shards = List.of(first, second);
    for (RedisServerProcess s : shards) {
      s.command("FLUSHALL");
    }
    String uri = first.uri() + " " + second.uri();
    RedisServerProcess holder = shards.get(JumpHash.shardOf("news", 2));
    RedisServerProcess other = shards.get(1 - JumpHash.shardOf("news", 2));
    try (TwoNodesThroughRedis nodes = new TwoNodesThroughRedis(uri)) {
      nodes.awaitSubscribedInRedis(() -> holder.command("PUBSUB", "NUMSUB", "pushwire:ch:news"));
      nodes.assertShared(uri);
      assertThat(other.command("PUBSUB", "NUMSUB", "pushwire:ch:news").toString())
          .as("the channel's topic on the server that does not hold it")
          .isEqualTo("[pushwire:ch:news, 0]");
      assertThat(brokerKeys(other, "news")).as("keys of the channel on the other server").isEmpty();
      assertThat(brokerKeys(holder, "news")).as("keys of the channel on its server").isNotEmpty();
    }
  }

  /** The broker's keys of {@code channel} on {@code server}; registry keys (presence) left out. */
  private static List<String> brokerKeys(RedisServerProcess server, String channel)
      throws Exception {
    return ((List<?>) server.command("KEYS", "*" + channel + "*"))
        .stream().map(String::valueOf).filter(k -> !k.startsWith("pushwire:reg:")).toList();
  }
}
