package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher socket is the classic trigger client made safe: the upgrade is refused with 401
 * before it happens unless the client proves who it is, and what plain subscribers send is never
 * published.
 */
@Timeout(120)
class PublisherSocketNeedsApiKeyTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config().build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static int refusedStatus(String path, Map<String, String> headers) {
    Throwable t =
        catchThrowable(() -> JdkWebSocketClient.connect(TestNodes.ws(node, path), headers));
    assertThat(t).as("the upgrade to %s must be refused", path).isNotNull();
    // JdkWebSocketClient.connect reports a failed handshake as an AssertionError with its cause.
    Throwable cause =
        t instanceof ExecutionException || t instanceof AssertionError ? t.getCause() : t;
    assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) cause).getResponse().statusCode();
  }

  @Test
  void withoutKeyIsRefusedWith401BeforeTheUpgrade() {
    assertThat(refusedStatus("/publish", Map.of())).isEqualTo(401);
  }

  @Test
  void withWrongKeyIsRefusedWith401() {
    assertThat(refusedStatus("/publish", Map.of("X-API-Key", "nope"))).isEqualTo(401);
    assertThat(refusedStatus("/publish?api_key=nope", Map.of())).isEqualTo(401);
  }

  @Test
  void withBadChannelIsRefusedWith400() {
    assertThat(refusedStatus("/publish?channel=a%20b", Map.of("X-API-Key", TestNodes.KEY)))
        .isEqualTo(400);
  }

  @Test
  void keyInAuthorizationHeaderOrQueryPublishesToTheNamedChannel() throws Exception {
    try (JdkWebSocketClient news =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=news"));
        JdkWebSocketClient viaHeader =
            JdkWebSocketClient.connect(
                TestNodes.ws(node, "/publish?channel=news"),
                Map.of("Authorization", "apikey " + TestNodes.KEY));
        JdkWebSocketClient viaQuery =
            JdkWebSocketClient.connect(
                TestNodes.ws(node, "/publish?channel=news&api_key=" + TestNodes.KEY))) {
      TestNodes.awaitSubscribers(node, "news", 1);
      viaHeader.send("one");
      assertThat(news.next(WAIT)).isEqualTo("one");
      viaQuery.send("two");
      assertThat(news.next(WAIT)).isEqualTo("two");
    }
  }

  @Test
  void plainClientCannotPublish() throws Exception {
    try (JdkWebSocketClient sender =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=plain"));
        JdkWebSocketClient other =
            JdkWebSocketClient.connect(TestNodes.ws(node, "/ws?channel=plain"))) {
      TestNodes.awaitSubscribers(node, "plain", 2);
      sender.send("spoofed");
      var r =
          TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"plain\",\"data\":\"real\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(other.next(WAIT)).isEqualTo("real");
      assertThat(sender.next(WAIT)).isEqualTo("real");
      // A marker after it: a published "spoofed" would arrive before the marker.
      TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"plain\",\"data\":\"marker\"}");
      assertThat(other.next(WAIT)).isEqualTo("marker");
      assertThat(sender.next(WAIT)).isEqualTo("marker");
    }
  }
}
