package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a node ends a connection for a limit or a refusal sends a close frame with the code
 * docs/PROTOCOL.md names and a reason that says why: seen by the JDK's WebSocket client, which
 * reports a close only when a close frame arrived (a dropped connection is 1006 here). The
 * slow-consumer close is tested with the delivery guarantees.
 */
@Timeout(60)
class RefusalClosesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SECRET = ConnectionTokensTest.SECRET;

  /** A node with small limits and anonymous clients. */
  @Nested
  class Limits {
    private static PushwireNode node;

    @BeforeAll
    static void start() {
      node =
          TestNodes.start(
              TestNodes.config()
                  .maxMessageSize(1024)
                  .maxSubscriptions(2)
                  .commandRate(5)
                  .commandBurst(1)
                  .maxRateLimitedCommands(3)
                  .idleTimeout(Duration.ofSeconds(1))
                  .pingInterval(Duration.ZERO)
                  .build());
    }

    @AfterAll
    static void stop() {
      node.close();
    }

    @Test
    void aMessageOverTheLimitCloses1009() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
        c.send("x".repeat(2048));
        assertClosed(c, 1009, "message too big");
      }
    }

    @Test
    void malformedCommandsInARowClose1008() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
        for (int i = 0; i < 5; i++) {
          c.send("not json " + i);
          Thread.sleep(250); // within the command rate: this test is about garbage
        }
        assertClosed(c, 1008, "too many malformed commands");
      }
    }

    @Test
    void commandsFarBeyondTheRateClose1008() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
        for (int i = 0; i < 10; i++) {
          c.send("{\"id\":" + i + ",\"op\":\"ping\"}");
        }
        assertClosed(c, 1008, "command rate limit exceeded");
      }
    }

    @Test
    void aPlainClientNamingAForbiddenChannelIsClosed1008() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=user:bob"))) {
        assertClosed(c, 1008, "forbidden: ");
      }
    }

    @Test
    void anIdleConnectionIsClosed1001() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=quiet"))) {
        assertClosed(c, 1001, "idle timeout");
      }
    }

    @Test
    void aBinaryMessageOnThePublisherSocketCloses1003() throws Exception {
      CompletableFuture<String> closed = new CompletableFuture<>();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("X-API-Key", TestNodes.KEY)
              .buildAsync(
                  URI.create(TestNodes.ws(node, "/publish?channel=news")),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                      closed.complete(code + " " + reason);
                      return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                      closed.complete("1006 " + error);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
      assertThat(closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .startsWith("1003 the publisher socket takes text messages only");
      ws.abort();
    }
  }

  /** A node that needs tokens and gives clients half a second to send {@code connect}. */
  @Nested
  class Tokens {
    private static PushwireNode node;

    @BeforeAll
    static void start() {
      node =
          TestNodes.start(
              TestNodes.config()
                  .auth(
                      AuthSettings.DEFAULT
                          .withHmacSecret(SECRET)
                          .withClockSkew(Duration.ZERO)
                          .withConnectTimeout(Duration.ofMillis(500)))
                  .build());
    }

    @AfterAll
    static void stop() {
      node.close();
    }

    @Test
    void anExpiredTokenCloses4001() throws Exception {
      // A token that expires before the handshake is refused with 401; on a busy machine the
      // handshake can take longer than a short lifetime, so the lifetime grows until one connects.
      for (Duration lifetime :
          new Duration[] {Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(8)}) {
        String token = TokenMinter.hs256(SECRET, "carol", null, lifetime, Clock.systemUTC());
        JdkWebSocketClient c;
        try {
          c =
              JdkWebSocketClient.connect(
                  TestNodes.ws(
                      node,
                      "/?channel=c&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        } catch (Exception | AssertionError refusedBeforeTheHandshake) { // 401: expired already
          continue;
        }
        try (c) {
          assertClosed(c, 4001, "token expired");
          return;
        }
      }
      throw new AssertionError("no handshake finished within a token lifetime of 8 s");
    }

    @Test
    void noConnectInTimeCloses4001() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
        assertClosed(c, 4001, "authentication required");
      }
    }

    @Test
    void aBadTokenInConnectCloses4001() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
        c.send("{\"id\":1,\"op\":\"connect\",\"token\":\"not-a-token\"}");
        assertClosed(c, 4001, "authentication required");
      }
    }
  }

  @Test
  void aNodeShuttingDownCloses1001() throws Exception {
    PushwireNode node = TestNodes.start(TestNodes.config().build());
    try (JdkWebSocketClient c = JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=bye"))) {
      TestNodes.awaitSubscribers(node, "bye", 1);
      node.close();
      assertClosed(c, 1001, "server shutting down");
    }
  }

  private static void assertClosed(JdkWebSocketClient c, int code, String reasonStart)
      throws Exception {
    int got = c.awaitClose(WAIT).code();
    String reason = c.awaitClose(WAIT).reason();
    assertThat(got).as("close code (1006: no close frame); reason: %s", reason).isEqualTo(code);
    assertThat(reason).startsWith(reasonStart);
  }
}
