package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose Redis is down when it starts still starts and serves: publishing answers 503 with a
 * message that names Redis and the reason, a plain client is closed with 1013 (try again later),
 * {@code /readyz} answers 503 with the reason and {@code /api/stats} reports the broker and
 * registry as unavailable; once Redis comes up the node connects by itself, publishes, and writes
 * the records of the clients that connected meanwhile.
 */
@Timeout(60)
class NodeStartsWhileRedisIsUnreachableTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private PushwireNode node;
  private JdkWebSocketClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
    redis.start();
  }

  @Test
  void publishingAnswers503UntilRedisIsReachable() throws Exception {
    redis.stop();
    node =
        TestNodes.start(
            TestNodes.config().nodeId("early").broker(redis.uri()).registry(redis.uri()).build());
    client = JdkWebSocketClient.connect(TestNodes.ws(node, "/"), "pushwire.v1");
    try (JdkWebSocketClient plain =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=news"))) {
      assertThat(plain.awaitClose(Duration.ofSeconds(5)).code())
          .as("a plain client cannot be subscribed yet: try again later")
          .isEqualTo(1013);
    }

    HttpResponse<String> refused =
        TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"news\",\"data\":\"x\"}");
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode error = ClusterTests.JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("unavailable");
    assertThat(error.get("message").asText())
        .startsWith("Redis at redis://127.0.0.1:" + redis.port() + " has not been reachable")
        .contains("publish on news failed");
    JsonNode backends =
        ClusterTests.JSON
            .readTree(TestNodes.api(node, "GET", "/api/stats", null).body())
            .get("backends");
    assertThat(backends.at("/broker/available").asBoolean()).isFalse();
    assertThat(backends.at("/broker/lastError").asText()).contains("cannot connect to Redis");
    assertThat(backends.at("/registry/available").asBoolean()).isFalse();
    HttpResponse<String> notReady = TestNodes.send(node, "GET", "/readyz", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonNode verdict = ClusterTests.JSON.readTree(notReady.body());
    assertThat(verdict.get("status").asText()).isEqualTo("unavailable");
    assertThat(verdict.get("reason").asText())
        .contains("broker: Redis at redis://127.0.0.1:" + redis.port() + " is unavailable")
        .contains("registry: Redis at");

    redis.start();
    await("the node connected to Redis by itself")
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              try {
                return TestNodes.api(
                            node, "POST", "/api/publish", "{\"channel\":\"later\",\"data\":\"y\"}")
                        .statusCode()
                    == 200;
              } catch (Exception e) {
                return false;
              }
            });
    await("the record of the client that connected before Redis was up was written")
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              try {
                return TestNodes.api(node, "GET", "/api/connections", null)
                    .body()
                    .contains("\"early:");
              } catch (Exception e) {
                return false;
              }
            });
    await("ready once Redis is reachable")
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              try {
                return TestNodes.send(node, "GET", "/readyz", null).statusCode() == 200;
              } catch (Exception e) {
                return false;
              }
            });
  }
}
