package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code auth.hmac-secret} set and anonymous connections off, only a valid HS256 token gets
 * past the handshake (401 otherwise), its {@code sub} is the user presence shows, and the
 * connection is closed with 4001 when the token expires.
 */
@Timeout(120)
class ConnectionTokensTest {
  static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** The life of the tokens that expire while connected. */
  private static final Duration SHORT_TOKEN_LIFE = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node =
        TestNodes.start(
            TestNodes.config()
                .auth(AuthSettings.DEFAULT.withHmacSecret(SECRET).withClockSkew(Duration.ZERO))
                .build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String token(String user, Duration ttl) {
    return TokenMinter.hs256(SECRET, user, null, ttl, Clock.systemUTC());
  }

  static String signed(String secret, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  static int refusedStatus(PushwireNode node, String path, Map<String, String> headers) {
    Throwable t =
        catchThrowable(() -> JdkWebSocketClient.connect(TestNodes.ws(node, path), headers));
    assertThat(t).as("the upgrade to %s must be refused", path).isNotNull();
    // JdkWebSocketClient.connect reports a failed handshake as an AssertionError with its cause.
    Throwable cause =
        t instanceof ExecutionException || t instanceof AssertionError ? t.getCause() : t;
    assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) cause).getResponse().statusCode();
  }

  private static String q(String token) {
    return URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  @Test
  void validTokenConnectsAndPresenceShowsItsSub() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(
                node, "/?channel=lobby&token=" + q(token("alice", Duration.ofHours(1)))))) {
      TestNodes.awaitSubscribers(node, "lobby", 1);
      JsonNode p =
          JSON.readTree(TestNodes.api(node, "GET", "/api/presence?channel=lobby", null).body());
      assertThat(p.at("/clients/0/user").asText()).isEqualTo("alice");
      assertThat(c).isNotNull();
    }
  }

  @Test
  void bearerHeaderIsAcceptedToo() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?channel=bearer"),
            Map.of("Authorization", "Bearer " + token("bob", Duration.ofHours(1))))) {
      TestNodes.awaitSubscribers(node, "bearer", 1);
      assertThat(c).isNotNull();
    }
  }

  @Test
  void noTokenIsRefusedWith401WhenAnonymousIsOff() {
    assertThat(refusedStatus(node, "/?channel=lobby", Map.of())).isEqualTo(401);
  }

  @Test
  void expiredTokenIsRefusedWith401() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .expirationTime(Date.from(Instant.now().minusSeconds(60)))
            .build();
    assertThat(refusedStatus(node, "/?token=" + q(signed(SECRET, claims)), Map.of()))
        .isEqualTo(401);
  }

  @Test
  void wrongSignatureIsRefusedWith401() {
    String other =
        TokenMinter.hs256(
            "another-secret-of-at-least-32-bytes!!",
            "alice",
            null,
            Duration.ofHours(1),
            Clock.systemUTC());
    assertThat(refusedStatus(node, "/?token=" + q(other), Map.of())).isEqualTo(401);
  }

  @Test
  void algNoneIsRefusedWith401() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();
    String none =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(
                ("{\"sub\":\"alice\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
            + ".";
    assertThat(refusedStatus(node, "/?token=" + q(none), Map.of())).isEqualTo(401);
  }

  @Test
  void missingSubIsRefusedWith401() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
            .build();
    assertThat(refusedStatus(node, "/?token=" + q(signed(SECRET, claims)), Map.of()))
        .isEqualTo(401);
  }

  @Test
  void missingExpIsRefusedWith401() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").build();
    assertThat(refusedStatus(node, "/?token=" + q(signed(SECRET, claims)), Map.of()))
        .isEqualTo(401);
  }

  @Test
  void notYetValidTokenIsRefusedWith401() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .notBeforeTime(Date.from(Instant.now().plusSeconds(600)))
            .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
            .build();
    assertThat(refusedStatus(node, "/?token=" + q(signed(SECRET, claims)), Map.of()))
        .isEqualTo(401);
  }

  @Test
  void connectionIsClosedWith4001WhenItsTokenExpires() throws Exception {
    // exp is in whole seconds and the node allows no skew: a 2 s token may have only 1 s left,
    // too little for the upgrade on a busy machine.
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?channel=short&token=" + q(token("carol", SHORT_TOKEN_LIFE))))) {
      assertThat(c.awaitClose(SHORT_TOKEN_LIFE.plusSeconds(25)).code()).isEqualTo(4001);
      assertThat(c.awaitClose(WAIT).reason()).isEqualTo("token expired");
    }
  }

  @Test
  void refreshedConnectionOutlivesItsFirstToken() throws Exception {
    // Long enough for the upgrade and the refresh on a busy machine (see above).
    Instant firstExpires = Instant.now().plus(SHORT_TOKEN_LIFE);
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(token("erin", SHORT_TOKEN_LIFE))),
            dev.pushwire.hub.Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"refresh\",\"token\":\"" + token("erin", Duration.ofHours(1)) + "\"}");
      assertThat(c.next(WAIT)).contains("\"expiresAt\"");
      Duration pastFirstExp = Duration.between(Instant.now(), firstExpires).plusSeconds(2);
      assertThat(catchThrowable(() -> c.awaitClose(pastFirstExp).code()))
          .as("still open after the first token's exp")
          .isNotNull();
    }
  }

  @Test
  void refreshForAnotherUserIsForbidden() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(token("erin", Duration.ofHours(1)))),
            dev.pushwire.hub.Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"refresh\",\"token\":\""
              + token("mallory", Duration.ofHours(1))
              + "\"}");
      assertThat(c.next(WAIT)).contains("\"forbidden\"");
    }
  }

  @Test
  void channelsClaimIsKeptAsAList() throws Exception {
    String t =
        TokenMinter.hs256(SECRET, "dave", List.of("a:*"), Duration.ofHours(1), Clock.systemUTC());
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=a:1&token=" + q(t)))) {
      TestNodes.awaitSubscribers(node, "a:1", 1);
      assertThat(c).isNotNull();
    }
  }
}
