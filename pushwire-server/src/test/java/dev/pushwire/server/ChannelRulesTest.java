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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channel rules: {@code user:<sub>} only for that user, private channels only with a matching
 * {@code channels} claim, a claim limits its token to what it matches, anonymous clients get the
 * public channels, and client publishing only where {@code channels.client-publish} allows.
 * Refusals are {@code forbidden} replies (v1) or a close with 1008 (plain clients).
 */
@Timeout(120)
class ChannelRulesTest {
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
                        .withAnonymous(true)
                        .withPrivateChannels(List.of("secret:*"))
                        .withClientPublishChannels(List.of("chat:*")))
                .build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String ws(String user, List<String> channels, String query) {
    String t = TokenMinter.hs256(SECRET, user, channels, Duration.ofHours(1), Clock.systemUTC());
    return TestNodes.ws(node, "/?token=" + URLEncoder.encode(t, StandardCharsets.UTF_8) + query);
  }

  /** Sends one command and returns the reply. */
  private static JsonNode command(JdkWebSocketClient c, String op, String channel)
      throws Exception {
    String extra = op.equals("publish") ? ",\"data\":\"hi\"" : "";
    c.send("{\"id\":1,\"op\":\"" + op + "\",\"channel\":\"" + channel + "\"" + extra + "}");
    String reply = c.next(WAIT);
    assertThat(reply).as("reply to %s %s", op, channel).isNotNull();
    return JSON.readTree(reply);
  }

  private static String errorCode(JsonNode reply) {
    return reply.at("/error/code").asText(null);
  }

  @Test
  void channelNotAllowedByTheClaimIsForbidden() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(ws("alice", List.of("team:*"), ""), Hub.SUBPROTOCOL)) {
      assertThat(errorCode(command(c, "subscribe", "team:red"))).isNull();
      assertThat(errorCode(command(c, "subscribe", "news"))).isEqualTo("forbidden");
    }
  }

  @Test
  void otherUsersChannelIsForbidden() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(ws("alice", null, ""), Hub.SUBPROTOCOL)) {
      assertThat(errorCode(command(c, "subscribe", "user:alice"))).isNull();
      assertThat(errorCode(command(c, "subscribe", "user:bob"))).isEqualTo("forbidden");
    }
  }

  @Test
  void privateChannelNeedsAMatchingClaim() throws Exception {
    try (JdkWebSocketClient without =
            JdkWebSocketClient.connect(ws("alice", null, ""), Hub.SUBPROTOCOL);
        JdkWebSocketClient with =
            JdkWebSocketClient.connect(ws("bob", List.of("secret:plans"), ""), Hub.SUBPROTOCOL)) {
      assertThat(errorCode(command(without, "subscribe", "secret:plans"))).isEqualTo("forbidden");
      assertThat(errorCode(command(with, "subscribe", "secret:plans"))).isNull();
    }
  }

  @Test
  void anonymousClientsGetPublicChannelsOnly() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
      assertThat(errorCode(command(c, "subscribe", "news"))).isNull();
      assertThat(errorCode(command(c, "subscribe", "user:alice"))).isEqualTo("forbidden");
      assertThat(errorCode(command(c, "history", "secret:x"))).isEqualTo("forbidden");
    }
  }

  @Test
  void plainClientNamingAForbiddenChannelIsClosedWith1008() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=user:bob"))) {
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(1008);
      assertThat(c.awaitClose(WAIT).reason()).contains("forbidden");
    }
  }

  @Test
  void clientPublishingOnlyWhereConfigured() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(ws("alice", null, ""), Hub.SUBPROTOCOL)) {
      assertThat(errorCode(command(c, "publish", "chat:lobby"))).isNull();
      assertThat(errorCode(command(c, "publish", "news"))).isEqualTo("forbidden");
    }
  }
}
