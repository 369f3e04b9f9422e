package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.testing.V1TestClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two hub nodes through a Redis Cluster of three masters, on one channel per master: what either
 * node publishes reaches the {@code pushwire.v1} subscribers of both, once and in order, carried by
 * sharded pub/sub on the master that holds the channel; a message to one node reaches it.
 */
class NodesThroughRedisClusterTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  private static final Duration DEADLINE = Duration.ofSeconds(40);
  private static final int PER_NODE = 20;

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  void publicationsOnChannelsOfEveryMasterReachBothNodesOnceInOrder() throws Exception {
    cluster.flushAll();
    Map<RedisServerProcess, String> channelOf = channelPerMaster();
    assertThat(channelOf).as("a channel on each master").hasSize(3);
    HubNode a = HubNode.start("a", cluster.uri(), 1000, resources);
    HubNode b = HubNode.start("b", cluster.uri(), 1000, resources);
    Map<String, List<V1TestClient>> clients = new LinkedHashMap<>();
    for (String channel : channelOf.values()) {
      for (HubNode n : List.of(a, b)) {
        URI uri = URI.create("ws://127.0.0.1:" + n.server().port() + "/");
        V1TestClient c = new V1TestClient(() -> uri, channel);
        resources.add(c);
        clients.computeIfAbsent(channel, k -> new ArrayList<>()).add(c);
      }
    }
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                clients.values().stream().flatMap(List::stream).allMatch(V1TestClient::subscribed));

    for (Map.Entry<RedisServerProcess, String> e : channelOf.entrySet()) {
      // Sharded pub/sub: the channel's topic lives on its master, with both nodes subscribed.
      String topic = "pushwire:ch:{" + e.getValue() + "}";
      for (RedisServerProcess m : cluster.masters()) {
        long expected = m == e.getKey() ? 2 : 0;
        await("shard subscribers of " + topic + " on port " + m.port())
            .atMost(DEADLINE)
            .until(() -> RedisClusterGroup.shardSubscribers(m, topic) == expected);
      }
    }
    for (int i = 1; i <= PER_NODE; i++) {
      for (String channel : channelOf.values()) {
        a.hub().publishText(channel, "a" + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.hub().publishText(channel, "b" + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }

    List<String> expected =
        IntStream.rangeClosed(1, PER_NODE)
            .boxed()
            .flatMap(i -> List.of("\"a" + i + "\"", "\"b" + i + "\"").stream())
            .toList();
    for (Map.Entry<String, List<V1TestClient>> e : clients.entrySet()) {
      for (V1TestClient c : e.getValue()) {
        await("all of " + e.getKey() + " at " + c)
            .atMost(DEADLINE)
            .until(() -> c.lastOffset() == 2L * PER_NODE);
        assertThat(c.pushes())
            .extracting(V1TestClient.Push::data)
            .containsExactlyElementsOf(expected);
        assertThat(c.pushes())
            .extracting(V1TestClient.Push::offset)
            .containsExactlyElementsOf(
                IntStream.rangeClosed(1, 2 * PER_NODE).mapToObj(i -> (long) i).toList());
        assertThat(c.duplicates()).isZero();
        assertThat(c.silentGaps()).isZero();
      }
    }
  }

  @Test
  void aMessageSentToANodeReachesThatNode() throws Exception {
    HubNode a = HubNode.start("a", cluster.uri(), 1000, resources);
    HubNode b = HubNode.start("b", cluster.uri(), 1000, resources);
    List<String> atA = new CopyOnWriteArrayList<>();
    List<String> atB = new CopyOnWriteArrayList<>();
    a.broker().onNodeMessage(m -> atA.add(new String(m, StandardCharsets.UTF_8)));
    b.broker().onNodeMessage(m -> atB.add(new String(m, StandardCharsets.UTF_8)));

    long receivers =
        a.broker()
            .sendToNode("b", "push 7 hello".getBytes(StandardCharsets.UTF_8))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    assertThat(receivers).isEqualTo(1);
    await("b got the message").atMost(DEADLINE).until(() -> !atB.isEmpty());
    assertThat(atB).containsExactly("push 7 hello");
    assertThat(atA).isEmpty();
    assertThat(
            a.broker()
                .sendToNode("nobody", new byte[] {1})
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .as("no such node")
        .isZero();
  }

  /** The first of {@code c0, c1, ...} on each master. */
  private static Map<RedisServerProcess, String> channelPerMaster() throws IOException {
    Map<RedisServerProcess, String> out = new LinkedHashMap<>();
    for (RedisServerProcess m : cluster.masters()) {
      out.put(m, cluster.channelOn(m));
    }
    return out;
  }
}
