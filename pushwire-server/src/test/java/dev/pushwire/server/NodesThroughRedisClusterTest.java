package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.redis.RedisClusterGroup;
import dev.pushwire.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes started with {@code --broker} and {@code --registry} set to a {@code redis-cluster://}
 * URI naming one of three masters: a publication on one reaches a client of the other, either lists
 * both nodes' connections, and {@code /api/stats} names the cluster.
 */
@Timeout(120)
class NodesThroughRedisClusterTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void nodesShareBrokerAndRegistryThroughACluster() throws Exception {
    cluster.flushAll();
    // One server is enough: Lettuce learns the others from it.
    String uri = "redis-cluster://127.0.0.1:" + cluster.masters().get(0).port();
    PushwireNode a = node("a", uri);
    PushwireNode b = node("b", uri);
    JdkWebSocketClient onB = JdkWebSocketClient.connect(TestNodes.ws(b, "/?channel=news"));
    closing.add(onB);
    TestNodes.awaitSubscribers(b, "news", 1);
    // A plain client gets a publication at most once: publish once the channel's master has B's
    // (sharded) subscription.
    RedisServerProcess master = cluster.masterOf("{news}");
    await("node b subscribed in Redis")
        .atMost(JdkWebSocketClient.WAIT)
        .ignoreExceptions()
        .until(
            () ->
                Long.parseLong(
                        ((List<?>) master.command("PUBSUB", "SHARDNUMSUB", "pushwire:ch:{news}"))
                            .get(1)
                            .toString())
                    >= 1);

    assertThat(publish(a, "one")).isEqualTo(200);
    assertThat(onB.nextText()).isEqualTo("one");
    await("node a lists the client of node b")
        .atMost(Duration.ofSeconds(15))
        .until(() -> TestNodes.api(a, "GET", "/api/connections", null).body().contains("\"b:"));
    JsonNode broker =
        ClusterTests.JSON
            .readTree(TestNodes.api(a, "GET", "/api/stats", null).body())
            .at("/backends/broker");
    assertThat(broker.toString()).contains(uri);
  }

  private PushwireNode node(String id, String uri) {
    PushwireNode node =
        TestNodes.start(TestNodes.config().nodeId(id).broker(uri).registry(uri).build());
    closing.add(node);
    return node;
  }

  private static int publish(PushwireNode node, String text) throws Exception {
    return TestNodes.api(
            node, "POST", "/api/publish", "{\"channel\":\"news\",\"data\":\"" + text + "\"}")
        .statusCode();
  }
}
