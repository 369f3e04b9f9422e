package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Two nodes, a and b, started with {@code --broker} and {@code --registry} set to one Redis URI,
 * and a plain client of b on channel {@code news}: what the Redis cluster and sentinel tests share.
 * Closing it closes the client, then the nodes.
 */
final class TwoNodesThroughRedis implements AutoCloseable {
  final PushwireNode a;
  final PushwireNode b;
  final JdkWebSocketClient onB;
  private final List<AutoCloseable> closing = new ArrayList<>();

  TwoNodesThroughRedis(String uri) throws Exception {
    try {
      a = node("a", uri);
      b = node("b", uri);
      onB = JdkWebSocketClient.connect(TestNodes.ws(b, "/?channel=news"));
      closing.add(onB);
      TestNodes.awaitSubscribers(b, "news", 1);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Waits until {@code numsub}, a {@code PUBSUB NUMSUB} or {@code SHARDNUMSUB} of b's topic, counts
   * b: b counts its subscriber before Redis has answered b's SUBSCRIBE, and a plain client gets a
   * publication at most once, so publish only after this.
   */
  void awaitSubscribedInRedis(Callable<Object> numsub) {
    await("node b subscribed in Redis")
        .atMost(JdkWebSocketClient.WAIT)
        .ignoreExceptions()
        .until(() -> Long.parseLong(((List<?>) numsub.call()).get(1).toString()) >= 1);
  }

  /**
   * A publication on a reaches b's client, a lists b's connection, and a's {@code /api/stats} names
   * {@code brokerUri}.
   */
  void assertShared(String brokerUri) throws Exception {
    assertThat(publishOnA("one")).isEqualTo(200);
    assertThat(onB.nextText()).isEqualTo("one");
    await("node a lists the client of node b")
        .atMost(Duration.ofSeconds(15))
        .until(() -> TestNodes.api(a, "GET", "/api/connections", null).body().contains("\"b:"));
    JsonNode broker =
        ClusterTests.JSON
            .readTree(TestNodes.api(a, "GET", "/api/stats", null).body())
            .at("/backends/broker");
    assertThat(broker.toString()).contains(brokerUri);
  }

  /** Publishes {@code text} on {@code news} through a's API; returns the status code. */
  int publishOnA(String text) throws Exception {
    return TestNodes.api(
            a, "POST", "/api/publish", "{\"channel\":\"news\",\"data\":\"" + text + "\"}")
        .statusCode();
  }

  private PushwireNode node(String id, String uri) {
    PushwireNode node =
        TestNodes.start(TestNodes.config().nodeId(id).broker(uri).registry(uri).build());
    closing.add(node);
    return node;
  }

  @Override
  public void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }
}
