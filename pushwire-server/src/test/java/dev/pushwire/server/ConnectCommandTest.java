package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With anonymous connections off, a {@code pushwire.v1} client may connect without a token and send
 * it in {@code connect}: until then only {@code connect} and {@code ping} run; a bad token or none
 * within {@code auth.connect-timeout} closes it with 4001. Plain clients still get 401.
 */
@Timeout(30)
class ConnectCommandTest {
  private static final String SECRET = ConnectionTokensTest.SECRET;
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private static JdkSubscriber v1() throws Exception {
    return JdkSubscriber.connectWith(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL);
  }

  private static JsonNode send(JdkSubscriber c, String command) throws Exception {
    c.send(command);
    return JSON.readTree(c.next(WAIT));
  }

  private static String token(String user, Duration ttl) {
    return TokenMinter.hs256(SECRET, user, null, ttl, Clock.systemUTC());
  }

  @Test
  void connectWithAValidTokenThenSubscribeShowsTheUserInPresence() throws Exception {
    try (JdkSubscriber c = v1()) {
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
      TestNodes.awaitSubscribers(node, "lobby-c", 1);
      JsonNode p =
          JSON.readTree(TestNodes.api(node, "GET", "/api/presence?channel=lobby-c", null).body());
      assertThat(p.at("/clients/0/user").asText()).as(p.toString()).isEqualTo("alice");
      Thread.sleep(800); // past the connect timeout: still open
      assertThat(send(c, "{\"id\":3,\"op\":\"ping\"}").has("result")).isTrue();
    }
  }

  @Test
  void commandsBeforeConnectAreUnauthorizedButPingWorks() throws Exception {
    try (JdkSubscriber c = v1()) {
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
    try (JdkSubscriber c = v1()) {
      JsonNode r = send(c, "{\"id\":1,\"op\":\"connect\",\"token\":\"" + other + "\"}");
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("unauthorized");
      assertThat(c.closeCode(WAIT)).isEqualTo(4001);
      assertThat(c.closeReason(WAIT)).isEqualTo("authentication required");
    }
  }

  @Test
  void noConnectWithinTheTimeoutCloses4001() throws Exception {
    try (JdkSubscriber c = v1()) {
      assertThat(c.closeCode(WAIT)).isEqualTo(4001);
      assertThat(c.closeReason(WAIT)).isEqualTo("authentication required");
    }
  }

  @Test
  void plainClientWithoutTokenIsStillRefusedWith401() {
    assertThat(ConnectionTokensTest.refusedStatus(node, "/?channel=lobby", Map.of()))
        .isEqualTo(401);
  }
}
