package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Anonymous clients reading and subscribing to channels nobody publishes to leave nothing behind in
 * the node's broker, and the number of channels the in-memory broker keeps has a limit ({@code
 * limits.max-channels}) with a clear refusal and a metric.
 */
@Timeout(60)
class ChannelStateBoundsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node =
        TestNodes.start(
            TestNodes.config().maxChannels(3).clientPublish(true).commandRate(0).build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anonymousReadsAndSubscriptionsOnRandomChannelsKeepNoChannel() throws Exception {
    List<JdkWebSocketClient> clients = new ArrayList<>();
    try {
      for (int c = 0; c < 4; c++) {
        clients.add(JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL));
      }
      int perClient = 300;
      for (JdkWebSocketClient client : clients) {
        for (int i = 0; i < perClient; i++) {
          String channel = "flood-" + UUID.randomUUID();
          client.send(
              "{\"id\":" + (3 * i) + ",\"op\":\"history\",\"channel\":\"" + channel + "\"}");
          client.send(
              "{\"id\":" + (3 * i + 1) + ",\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
          client.send(
              "{\"id\":"
                  + (3 * i + 2)
                  + ",\"op\":\"unsubscribe\",\"channel\":\""
                  + channel
                  + "\"}");
        }
      }
      for (JdkWebSocketClient client : clients) {
        Set<Long> answered = new HashSet<>();
        while (answered.size() < 3 * perClient) {
          String m = client.next(WAIT);
          assertThat(m).as("a reply to each command").isNotNull();
          JsonNode reply = JSON.readTree(m);
          assertThat(reply.has("error")).as(m).isFalse();
          answered.add(reply.get("id").asLong());
        }
      }
      assertThat(brokerChannels()).isZero();
      assertThat(metric("pushwire_broker_channels")).isZero();
    } finally {
      clients.forEach(JdkWebSocketClient::close);
    }
  }

  @Test
  void aPublicationBeyondTheChannelLimitIsRefusedClearlyAndCounted() throws Exception {
    for (String channel : List.of("kept-1", "kept-2", "kept-3")) {
      assertThat(publish(channel).statusCode()).isEqualTo(200);
    }
    assertThat(brokerChannels()).isEqualTo(3);

    HttpResponse<String> refused = publish("one-too-many");
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode error = JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("too_many_channels");
    assertThat(error.get("message").asText()).contains("one-too-many").contains("(3)");
    assertThat(publish("kept-1").statusCode()).as("existing channels go on").isEqualTo(200);

    try (JdkWebSocketClient client =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
      client.send("{\"id\":1,\"op\":\"publish\",\"channel\":\"another-new\",\"data\":1}");
      JsonNode reply = JSON.readTree(client.next(WAIT));
      assertThat(reply.at("/error/code").asText()).isEqualTo("too_many_channels");
    }
    assertThat(metric("pushwire_limits_triggered_total{reason=\"too_many_channels\"}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(metric("pushwire_broker_channels")).isEqualTo(3);
  }

  @Test
  void theLimitIsAConfigKeyWithASafeDefault() throws Exception {
    assertThat(ServerConfig.DEFAULT.backends().maxChannels()).isEqualTo(100_000);
    ServerConfig c =
        new ConfigLoader(Map.of("PUSHWIRE_LIMITS_MAX_CHANNELS", "42")).load(null, List.of());
    assertThat(c.backends().maxChannels()).isEqualTo(42);
    assertThatThrownBy(() -> ServerConfig.newBuilder().maxChannels(0).build())
        .hasMessageContaining("limits.max-channels");
  }

  private static HttpResponse<String> publish(String channel) throws Exception {
    return TestNodes.api(
        node, "POST", "/api/publish", "{\"channel\":\"" + channel + "\",\"data\":1}");
  }

  private static long brokerChannels() throws Exception {
    JsonNode stats = JSON.readTree(TestNodes.api(node, "GET", "/api/stats", null).body());
    assertThat(stats.at("/hub/brokerChannels").isNumber()).as(stats.toString()).isTrue();
    return stats.at("/hub/brokerChannels").asLong();
  }

  private static double metric(String key) throws Exception {
    return PrometheusText.parse(TestNodes.send(node, "GET", "/metrics", null).body()).value(key);
  }
}
