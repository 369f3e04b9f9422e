package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.redis.RedisSentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes started with {@code --broker} and {@code --registry} set to a {@code redis-sentinel://}
 * URI: a publication on one reaches a client of the other, either lists both nodes' connections,
 * {@code /api/stats} names the sentinels and the master; and after the master is killed publishing
 * works again by itself.
 */
@Timeout(90)
class NodesThroughRedisSentinelTest {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void nodesShareBrokerAndRegistryThroughSentinelAndOutliveAFailover() throws Exception {
    group.flushAll();
    PushwireNode a = node("a");
    PushwireNode b = node("b");
    JdkWebSocketClient onB = JdkWebSocketClient.connect(TestNodes.ws(b, "/?channel=news"));
    closing.add(onB);
    TestNodes.awaitSubscribers(b, "news", 1);
    // B counts its subscriber before Redis has answered B's SUBSCRIBE, and a plain client gets a
    // publication at most once: publish once Redis has B's subscription.
    await("node b subscribed in Redis")
        .atMost(JdkWebSocketClient.WAIT)
        .ignoreExceptions()
        .until(
            () ->
                Long.parseLong(
                        ((List<?>) group.master().command("PUBSUB", "NUMSUB", "pushwire:ch:news"))
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
    assertThat(broker.toString()).contains(group.uri());

    group.awaitFailoverFrom(group.killMaster(), Duration.ofSeconds(40));
    await("publishing works again after the failover")
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> publish(a, "two") == 200);
    assertThat(onB.nextText()).isEqualTo("two");
  }

  private PushwireNode node(String id) {
    PushwireNode node =
        TestNodes.start(
            TestNodes.config().nodeId(id).broker(group.uri()).registry(group.uri()).build());
    closing.add(node);
    return node;
  }

  private static int publish(PushwireNode node, String text) throws Exception {
    return TestNodes.api(
            node, "POST", "/api/publish", "{\"channel\":\"news\",\"data\":\"" + text + "\"}")
        .statusCode();
  }
}
