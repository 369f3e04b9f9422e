package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With anonymous connections off, a {@code pushwire.v1} client may connect without a token and send
 * it in {@code connect}: until then only {@code connect} and {@code ping} run; a bad token or none
 * within {@code auth.connect-timeout} closes it with 4001. Plain clients still get 401.
 */
@Timeout(120)
class ConnectCommandTest {
  private static final String SECRET = ConnectionTokensTest.SECRET;
  private static final Duration WAIT = JdkWebSocketClient.WAIT;

  /**
   * The tests that check the connect timeout itself: short, so that they run quickly, and long
   * enough for a client on a busy machine to send its {@code connect} in time.
   */
  private static final Duration STRICT_TIMEOUT = Duration.ofSeconds(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A node with a long connect timeout, for the tests that must not race it. */
  private static PushwireNode node;

  /** A node with {@link #STRICT_TIMEOUT}. */
  private static PushwireNode strict;

  @BeforeAll
  static void start() {
    node = TestNodes.start(config(Duration.ofMinutes(5)));
    strict = TestNodes.start(config(STRICT_TIMEOUT));
  }

  private static ServerConfig config(Duration connectTimeout) {
    return TestNodes.config()
        .auth(
            AuthSettings.DEFAULT
                .withHmacSecret(SECRET)
                .withClockSkew(Duration.ZERO)
                .withConnectTimeout(connectTimeout))
        .build();
  }

  @AfterAll
  static void stop() {
    node.close();
    strict.close();
  }

  private static JdkWebSocketClient v1() {
    return v1(node);
  }

  private static JdkWebSocketClient v1(PushwireNode on) {
    return JdkWebSocketClient.connect(TestNodes.ws(on, "/"), Hub.SUBPROTOCOL);
  }

  private static JsonNode send(JdkWebSocketClient c, String command) throws Exception {
    c.send(command);
    return JSON.readTree(c.next(WAIT));
  }

  private static String token(String user, Duration ttl) {
    return TokenMinter.hs256(SECRET, user, null, ttl, Clock.systemUTC());
  }

  @Test
  void connectWithAValidTokenThenSubscribeShowsTheUserInPresence() throws Exception {
    try (JdkWebSocketClient c = v1(strict)) {
      long opened = System.nanoTime(); // the server opened the connection before this
      JsonNode r =
          send(
              c,
              "{\"id\":1,\"op\":\"connect\",\"token\":\""
                  + token("alice", Duration.ofHours(1))
                  + "\"}");
      assertThat(r.at("/result/user").asText()).as(r.toString()).isEqualTo("alice");
      assertThat(r.at("/result/expires").asLong())
          .isGreaterThan(Instant.now().plusSeconds(3000).getEpochSecond());
      r = send(c, "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"lobby-c\"}");
      assertThat(r.at("/result/channel").asText()).as(r.toString()).isEqualTo("lobby-c");
      TestNodes.awaitSubscribers(strict, "lobby-c", 1);
      JsonNode p =
          JSON.readTree(TestNodes.api(strict, "GET", "/api/presence?channel=lobby-c", null).body());
      assertThat(p.at("/clients/0/user").asText()).as(p.toString()).isEqualTo("alice");
      // The scenario: stay connected past the connect timeout (nothing to wait for but time).
      long pastTimeout =
          STRICT_TIMEOUT.plusMillis(500).toMillis()
              - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      if (pastTimeout > 0) {
        Thread.sleep(pastTimeout);
      }
      assertThat(send(c, "{\"id\":3,\"op\":\"ping\"}").has("result")).isTrue();
    }
  }

  @Test
  void commandsBeforeConnectAreUnauthorizedButPingWorks() throws Exception {
    try (JdkWebSocketClient c = v1()) {
      assertThat(send(c, "{\"id\":1,\"op\":\"ping\"}").has("result")).isTrue();
      JsonNode r = send(c, "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"lobby\"}");
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("unauthorized");
      r = send(c, "{\"id\":3,\"op\":\"history\",\"channel\":\"lobby\"}");
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("unauthorized");
    }
  }

  @Test
  void badTokenInConnectIsUnauthorizedAndCloses4001() throws Exception {
    String other =
        TokenMinter.hs256(
            "another-secret-of-at-least-32-bytes!!",
            "alice",
            null,
            Duration.ofHours(1),
            Clock.systemUTC());
    try (JdkWebSocketClient c = v1()) {
      JsonNode r = send(c, "{\"id\":1,\"op\":\"connect\",\"token\":\"" + other + "\"}");
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("unauthorized");
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(4001);
      assertThat(c.awaitClose(WAIT).reason()).isEqualTo("authentication required");
    }
  }

  @Test
  void noConnectWithinTheTimeoutCloses4001() throws Exception {
    try (JdkWebSocketClient c = v1(strict)) {
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(4001);
      assertThat(c.awaitClose(WAIT).reason()).isEqualTo("authentication required");
    }
  }

  @Test
  void plainClientWithoutTokenIsStillRefusedWith401() {
    assertThat(ConnectionTokensTest.refusedStatus(node, "/?channel=lobby", Map.of()))
        .isEqualTo(401);
  }
}
