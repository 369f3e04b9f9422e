package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.hub.testing.V1TestClient;
import dev.pushwire.redis.internal.JumpHash;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link ShardedRedisBroker} over three real Redis servers: channels land on the shard their name
 * hashes to and nowhere else, nodes meet on every shard, and a shard that dies fails only its own
 * channels until it is back.
 */
class ShardedRedisBrokerTest {
  @RegisterExtension static final RedisServerProcess one = new RedisServerProcess();
  @RegisterExtension static final RedisServerProcess two = new RedisServerProcess();
  @RegisterExtension static final RedisServerProcess three = new RedisServerProcess();

  private static final Duration DEADLINE = Duration.ofSeconds(40);

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  private final List<RedisServerProcess> servers = List.of(one, two, three);

  @BeforeEach
  void flush() {
    servers.forEach(RedisServerProcess::flushAll);
  }

  @Test
  void eachShardHoldsTheKeysOfItsChannelsOnlyAndTheRegistryIsOnTheFirst() throws Exception {
    NodeLinkedBroker broker = broker("a");
    List<String> channels = IntStream.range(0, 30).mapToObj(i -> "spread." + i).toList();
    for (String channel : channels) {
      join(broker.publish(channel, bytes(channel), PublishOptions.DEFAULT));
    }
    for (int i = 0; i < 3; i++) {
      int shard = i;
      Set<String> expected =
          channels.stream()
              .filter(c -> JumpHash.shardOf(c, 3) == shard)
              .collect(Collectors.toSet());
      assertThat(expected).as("shard " + i + " gets some of 30 channels").isNotEmpty();
      assertThat(channelsWithKeysOn(servers.get(i)))
          .as("channels with keys on shard " + i)
          .isEqualTo(expected);
    }

    RedisRegistry registry = RedisRegistry.connect(config("a"));
    resources.add(registry);
    join(
        registry.register(
            new ConnectionRecord(
                ConnectionRecord.globalId("a", 1),
                "a",
                1,
                "127.0.0.1:40001",
                "/",
                null,
                List.of(),
                Instant.parse("2025-01-01T00:00:00Z"))));
    assertThat(keysOn(one)).anyMatch(k -> !k.contains("meta:") && !k.contains("history:"));
    for (RedisServerProcess s : List.of(two, three)) {
      assertThat(keysOn(s)).allMatch(k -> k.contains("meta:{") || k.contains("history:{"));
    }
  }

  @Test
  void twoHubNodesExchangePublicationsOnChannelsOfEveryShard() throws Exception {
    Map<Integer, String> channelOf = channelPerShard("room.");
    HubNode a = HubNode.start("a", uri(), 1000, resources);
    HubNode b = HubNode.start("b", uri(), 1000, resources);
    Map<String, List<V1TestClient>> clients = new LinkedHashMap<>();
    for (String channel : channelOf.values()) {
      for (HubNode n : List.of(a, b)) {
        clients.computeIfAbsent(channel, k -> new ArrayList<>()).add(n.client(channel, resources));
      }
    }
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                clients.values().stream().flatMap(List::stream).allMatch(V1TestClient::subscribed));
    for (Map.Entry<Integer, String> e : channelOf.entrySet()) {
      // Both nodes subscribed to the channel's topic on its shard, and on no other.
      for (int i = 0; i < 3; i++) {
        long expected = i == e.getKey() ? 2 : 0;
        RedisServerProcess s = servers.get(i);
        String topic = "pushwire:ch:" + e.getValue();
        await(topic + " on shard " + i)
            .atMost(DEADLINE)
            .until(() -> s.subscribers(topic) == expected);
      }
    }
    for (int i = 1; i <= 10; i++) {
      for (String channel : channelOf.values()) {
        a.hub().publishText(channel, "a" + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.hub().publishText(channel, "b" + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
    List<String> expected =
        IntStream.rangeClosed(1, 10)
            .boxed()
            .flatMap(i -> List.of("\"a" + i + "\"", "\"b" + i + "\"").stream())
            .toList();
    for (Map.Entry<String, List<V1TestClient>> e : clients.entrySet()) {
      for (V1TestClient c : e.getValue()) {
        await("all of " + e.getKey() + " at " + c)
            .atMost(DEADLINE)
            .until(() -> c.received() >= expected.size());
        assertThat(c.pushes()).extracting(V1TestClient.Push::data).isEqualTo(expected);
      }
    }
  }

  @Test
  void aDeadShardFailsOnlyItsChannelsAndNodeMessagesGoThroughAnotherUntilItIsBack()
      throws Exception {
    Map<Integer, String> channelOf = channelPerShard("live.");
    NodeLinkedBroker a = broker("a");
    NodeLinkedBroker b = broker("b");
    List<String> atB = new CopyOnWriteArrayList<>();
    b.onNodeMessage(m -> atB.add(new String(m, StandardCharsets.UTF_8)));
    String lost = channelOf.get(0);

    one.kill();
    try {
      await("publishing on " + lost + " fails").atMost(DEADLINE).until(() -> publishFails(a, lost));
      assertThatThrownBy(() -> join(a.publish(lost, bytes("x"), PublishOptions.DEFAULT)))
          .isInstanceOf(HubException.class)
          .extracting(e -> ((HubException) e).code())
          .isEqualTo(ErrorCode.UNAVAILABLE);
      for (int shard : List.of(1, 2)) {
        PublishResult r =
            join(a.publish(channelOf.get(shard), bytes("still"), PublishOptions.DEFAULT));
        assertThat(r.offset()).as("shard " + shard + " goes on").isPositive();
      }
      await().atMost(DEADLINE).until(() -> !a.isAvailable());
      assertThat(a.lastError()).startsWith("shard 1 of 3 (" + one.uri());
      assertThat(join(a.sendToNode("b", bytes("via shard 2"))))
          .as("shard 1 is down: shard 2 carries it")
          .isEqualTo(1);
      await().atMost(DEADLINE).until(() -> atB.contains("via shard 2"));
    } finally {
      one.stop();
      one.start();
    }
    await("publishing on " + lost + " works again")
        .atMost(DEADLINE)
        .until(() -> !publishFails(a, lost));
    await().atMost(DEADLINE).until(a::isAvailable);
    await().atMost(DEADLINE).until(() -> one.subscribers("pushwire:node:b") == 1);
    assertThat(join(a.sendToNode("b", bytes("via shard 1")))).isEqualTo(1);
    await().atMost(DEADLINE).until(() -> atB.contains("via shard 1"));
    assertThat(atB).containsExactly("via shard 2", "via shard 1");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static boolean publishFails(NodeLinkedBroker broker, String channel) {
    try {
      join(broker.publish(channel, bytes("probe"), PublishOptions.DEFAULT));
      return false;
    } catch (HubException e) {
      return true;
    }
  }

  private Map<Integer, String> channelPerShard(String prefix) {
    Map<Integer, String> out = new LinkedHashMap<>();
    for (int i = 0; out.size() < 3; i++) {
      out.putIfAbsent(JumpHash.shardOf(prefix + i, 3), prefix + i);
    }
    return out;
  }

  private NodeLinkedBroker broker(String nodeId) {
    NodeLinkedBroker broker = RedisBrokers.connect(config(nodeId), null, Clock.systemUTC());
    resources.add(broker);
    broker.start(BrokerListener.atMostOnce((c, p) -> {}));
    return broker;
  }

  private RedisConfig config(String nodeId) {
    return RedisConfig.newBuilder(uri())
        .nodeId(nodeId)
        .commandTimeout(Duration.ofSeconds(2))
        .maxReconnectDelay(Duration.ofMillis(200))
        .build();
  }

  private String uri() {
    return servers.stream().map(RedisServerProcess::uri).collect(Collectors.joining(" "));
  }

  private static List<String> keysOn(RedisServerProcess s) throws Exception {
    return ((List<?>) s.command("KEYS", "pushwire:*")).stream().map(String::valueOf).toList();
  }

  /**
   * The channels named by {@code pushwire:meta:{channel}} and {@code history} keys on {@code s}.
   */
  private static Set<String> channelsWithKeysOn(RedisServerProcess s) throws Exception {
    Set<String> out = new HashSet<>();
    for (String key : keysOn(s)) {
      int open = key.indexOf('{');
      if (open >= 0 && key.endsWith("}")) {
        out.add(key.substring(open + 1, key.length() - 1));
      }
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
