package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.internal.auth.TokenMinter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * A token says which kind it is ({@code "kind": "connection"} or {@code "subscription"}), and each
 * place takes only its own kind: a subscription token (one private channel) never opens a
 * connection, whether in the query, the {@code Authorization} header or {@code connect}, nor renews
 * one with {@code refresh}; a connection token is no subscription token; a token without a kind is
 * refused everywhere with a message that says what to add.
 */
@Timeout(30)
class TokenKindsTest {
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
                        .withPrivateChannels(List.of("secret:*")))
                .build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String connectionToken(String user) {
    return TokenMinter.hs256(SECRET, user, null, Duration.ofHours(1), Clock.systemUTC());
  }

  private static String subscriptionToken(String user, String channel) {
    return TokenMinter.hs256(SECRET, user, null, channel, Duration.ofHours(1), Clock.systemUTC());
  }

  /** A token as a backend minted it before tokens had kinds: {@code sub} and {@code exp} only. */
  private static String tokenWithoutKind(String user, String channel) throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(user)
            .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
    if (channel != null) {
      claims.claim("channel", channel);
    }
    return ConnectionTokensTest.signed(SECRET, claims.build());
  }

  private static String q(String token) {
    return URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  @Test
  void aSubscriptionTokenInTheQueryOpensNoConnection() throws Exception {
    String answer = upgrade("/?channel=news&token=" + q(subscriptionToken("alice", "secret:x")));
    assertThat(answer).startsWith("HTTP/1.1 401");
    assertThat(answer).contains("a subscription token cannot open a connection");
  }

  @Test
  void aSubscriptionTokenInTheHeaderOpensNoConnection() throws Exception {
    String answer =
        upgrade(
            "/?channel=news", "Authorization: Bearer " + subscriptionToken("alice", "secret:x"));
    assertThat(answer).startsWith("HTTP/1.1 401");
    assertThat(answer).contains("a subscription token cannot open a connection");
  }

  @Test
  void aSubscriptionTokenInConnectIsUnauthorized() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"connect\",\"token\":\""
              + subscriptionToken("alice", "secret:x")
              + "\"}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).as(reply.toString()).isEqualTo("unauthorized");
      assertThat(reply.at("/error/message").asText())
          .contains("a subscription token cannot open a connection");
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(4001);
    }
  }

  @Test
  void aSubscriptionTokenRenewsNoConnection() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(connectionToken("alice"))), Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"refresh\",\"token\":\""
              + subscriptionToken("alice", "secret:x")
              + "\"}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).as(reply.toString()).isEqualTo("bad_request");
      assertThat(reply.at("/error/message").asText())
          .contains("a subscription token cannot open a connection");
    }
  }

  @Test
  void aConnectionTokenIsNoSubscriptionToken() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(connectionToken("alice"))), Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"secret:x\",\"token\":\""
              + connectionToken("alice")
              + "\"}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).as(reply.toString()).isEqualTo("forbidden");
      assertThat(reply.at("/error/message").asText())
          .contains("a connection token is not a subscription token");
    }
  }

  @Test
  void aTokenWithoutAKindOpensNoConnectionAndSaysWhatToAdd() throws Exception {
    String answer = upgrade("/?channel=news&token=" + q(tokenWithoutKind("alice", null)));
    assertThat(answer).startsWith("HTTP/1.1 401");
    assertThat(answer).contains("the token has no \"kind\" claim");
    assertThat(answer).contains("\"kind\": \"connection\"");
  }

  @Test
  void aTokenWithoutAKindSubscribesToNothing() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(connectionToken("alice"))), Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"secret:x\",\"token\":\""
              + tokenWithoutKind("alice", "secret:x")
              + "\"}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).as(reply.toString()).isEqualTo("forbidden");
      assertThat(reply.at("/error/message").asText()).contains("no \"kind\" claim");
    }
  }

  @Test
  void eachKindStillWorksWhereItBelongs() throws Exception {
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?token=" + q(connectionToken("alice"))), Hub.SUBPROTOCOL)) {
      c.send(
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"secret:x\",\"token\":\""
              + subscriptionToken("alice", "secret:x")
              + "\"}");
      assertThat(JSON.readTree(c.next(WAIT)).at("/result/channel").asText()).isEqualTo("secret:x");
      c.send("{\"id\":2,\"op\":\"refresh\",\"token\":\"" + connectionToken("alice") + "\"}");
      assertThat(JSON.readTree(c.next(WAIT)).at("/result/expiresAt").isNumber()).isTrue();
    }
  }

  @Test
  void pushwireTokenMintsTheKindItIsAskedFor() throws Exception {
    assertThat(mintedKind("--user", "alice")).isEqualTo("connection");
    assertThat(mintedKind("--user", "alice", "--channel", "secret:x")).isEqualTo("subscription");
  }

  private static String mintedKind(String... args) throws Exception {
    CommandLine cmd = PushwireCommand.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 3];
    all[0] = "token";
    all[1] = "--secret";
    all[2] = SECRET;
    System.arraycopy(args, 0, all, 3, args.length);
    assertThat(cmd.execute(all)).isZero();
    String[] lines = out.toString().strip().split("\n");
    return SignedJWT.parse(lines[lines.length - 1].strip())
        .getJWTClaimsSet()
        .getStringClaim("kind");
  }

  /** A raw upgrade request; returns the whole answer (status line, headers, body). */
  private static String upgrade(String pathAndQuery, String... headers) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(5000);
      StringBuilder req =
          new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
              .append("Host: 127.0.0.1\r\n")
              .append("Connection: Upgrade\r\nUpgrade: websocket\r\n")
              .append("Sec-WebSocket-Version: 13\r\n")
              .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      OutputStream out = s.getOutputStream();
      out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.net.SocketTimeoutException e) {
      return "(no close: the upgrade was accepted)";
    }
  }
}
