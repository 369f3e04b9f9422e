package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A per-channel subscription token in the {@code subscribe} command lets a connection subscribe to
 * a private channel its connection token does not cover; a token for another channel, another user,
 * or an expired one is refused with {@code forbidden}.
 */
@Timeout(120)
class SubscriptionTokensTest {
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
                        .withPrivateChannels(List.of("secret:*")))
                .build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String sub(String user, String channel, Duration ttl) {
    return TokenMinter.hs256(SECRET, user, null, channel, ttl, Clock.systemUTC());
  }

  private static JdkWebSocketClient connect(String user) throws Exception {
    String token = TokenMinter.hs256(SECRET, user, null, Duration.ofHours(1), Clock.systemUTC());
    return JdkWebSocketClient.connect(
        TestNodes.ws(node, "/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
        Hub.SUBPROTOCOL);
  }

  private static JsonNode subscribe(JdkWebSocketClient c, String channel, String token)
      throws Exception {
    c.send(
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\""
            + channel
            + "\""
            + (token == null ? "" : ",\"token\":\"" + token + "\"")
            + "}");
    return JSON.readTree(c.next(WAIT));
  }

  @Test
  void privateChannelWithoutSubscriptionTokenIsForbidden() throws Exception {
    try (JdkWebSocketClient c = connect("alice")) {
      assertThat(subscribe(c, "secret:x", null).at("/error/code").asText()).isEqualTo("forbidden");
    }
  }

  @Test
  void validSubscriptionTokenSubscribes() throws Exception {
    try (JdkWebSocketClient c = connect("alice")) {
      JsonNode r = subscribe(c, "secret:ok", sub("alice", "secret:ok", Duration.ofMinutes(5)));
      assertThat(r.at("/result/channel").asText()).as(r.toString()).isEqualTo("secret:ok");
      TestNodes.awaitSubscribers(node, "secret:ok", 1);
    }
  }

  @Test
  void tokenForAnotherChannelIsForbidden() throws Exception {
    try (JdkWebSocketClient c = connect("alice")) {
      JsonNode r = subscribe(c, "secret:a", sub("alice", "secret:b", Duration.ofMinutes(5)));
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("forbidden");
      assertThat(r.at("/error/message").asText()).contains("not for channel secret:a");
    }
  }

  @Test
  void tokenForAnotherUserIsForbidden() throws Exception {
    try (JdkWebSocketClient c = connect("alice")) {
      JsonNode r = subscribe(c, "secret:u", sub("mallory", "secret:u", Duration.ofMinutes(5)));
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("forbidden");
      assertThat(r.at("/error/message").asText()).contains("another user");
    }
  }

  @Test
  void expiredTokenIsForbidden() throws Exception {
    String expired =
        ConnectionTokensTest.signed(
            SECRET,
            new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .subject("alice")
                .claim("channel", "secret:e")
                .expirationTime(java.util.Date.from(Instant.now().minusSeconds(60)))
                .build());
    try (JdkWebSocketClient c = connect("alice")) {
      JsonNode r = subscribe(c, "secret:e", expired);
      assertThat(r.at("/error/code").asText()).as(r.toString()).isEqualTo("forbidden");
      assertThat(r.at("/error/message").asText()).contains("expired");
    }
  }
}
