package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code client-publish}: {@code pushwire.v1} clients may not publish unless the node allows it;
 * either way plain subscribers on the same node are reached only by allowed publications.
 */
@Timeout(120)
class ClientPublishSettingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PUBLISH =
      "{\"id\":1,\"op\":\"publish\",\"channel\":\"chat\",\"data\":\"from v1\"}";

  private static JsonNode reply(JdkWebSocketClient c) throws Exception {
    String m = c.next(WAIT);
    assertThat(m).as("a reply").isNotNull();
    return JSON.readTree(m);
  }

  @Test
  void forbiddenByDefault() throws Exception {
    try (PushwireNode node = TestNodes.start(TestNodes.config().build());
        JdkWebSocketClient plain =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=chat"));
        JdkWebSocketClient v1 =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/ws"), "pushwire.v1")) {
      assertThat(v1.subprotocol()).isEqualTo("pushwire.v1");
      TestNodes.awaitSubscribers(node, "chat", 1);
      v1.send(PUBLISH);
      JsonNode r = reply(v1);
      assertThat(r.get("id").asInt()).isEqualTo(1);
      assertThat(r.at("/error/code").asText()).isEqualTo("forbidden");
      assertThat(plain.next(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void allowedWhenConfigured() throws Exception {
    try (PushwireNode node = TestNodes.start(TestNodes.config().clientPublish(true).build());
        JdkWebSocketClient plain =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=chat"));
        JdkWebSocketClient v1 =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/ws"), "pushwire.v1")) {
      TestNodes.awaitSubscribers(node, "chat", 1);
      v1.send(PUBLISH);
      JsonNode r = reply(v1);
      assertThat(r.has("error")).as(r.toString()).isFalse();
      assertThat(r.at("/result/offset").asLong()).isEqualTo(1);
      assertThat(plain.next(WAIT)).isEqualTo("from v1");
    }
  }
}
