package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A refused token gets a reason in the project's own words, at the upgrade (401) and in {@code
 * connect}: never the JWT library's text ("Unsecured (plain) JWTs are rejected, extend class to
 * handle", "Invalid signature" for a token it cannot read, "token expired" for an {@code exp} that
 * is no time at all).
 */
@Timeout(30)
class TokenRefusalMessagesTest {
  private static final String SECRET = ConnectionTokensTest.SECRET;
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node =
        TestNodes.start(
            TestNodes.config().auth(AuthSettings.DEFAULT.withHmacSecret(SECRET)).build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String part(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long inAnHour() {
    return Instant.now().plusSeconds(3600).getEpochSecond();
  }

  /** An HS256 token with this header and payload, signed with the node's secret. */
  private static String hs256(String header, String payload) throws Exception {
    String signingInput = part(header) + "." + part(payload);
    MACSigner signer = new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8));
    Base64URL signature =
        signer.sign(
            new JWSHeader(JWSAlgorithm.HS256), signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + signature;
  }

  @Test
  void anUnsignedTokenIsRefusedInOurWords() throws Exception {
    String none =
        part("{\"alg\":\"none\"}")
            + "."
            + part("{\"sub\":\"alice\",\"kind\":\"connection\",\"exp\":" + inAnHour() + "}")
            + ".";
    assertRefused(none, "invalid token: unsigned tokens (alg none) are not accepted");
  }

  @Test
  void aTokenWithCriticalHeaderParametersIsRefusedInOurWords() throws Exception {
    String token =
        hs256(
            "{\"alg\":\"HS256\",\"crit\":[\"x-policy\"],\"x-policy\":1}",
            "{\"sub\":\"alice\",\"kind\":\"connection\",\"exp\":" + inAnHour() + "}");
    assertRefused(token, "invalid token: its crit header names [x-policy]");
  }

  @Test
  void anExpiryThatIsNoTimeIsRefusedInOurWords() throws Exception {
    String token =
        hs256("{\"alg\":\"HS256\"}", "{\"sub\":\"alice\",\"kind\":\"connection\",\"exp\":1e20}");
    assertRefused(token, "invalid token: exp must be a time in seconds since 1970");
  }

  @Test
  void aBadSignatureIsRefusedInOurWords() throws Exception {
    String token =
        hs256(
            "{\"alg\":\"HS256\"}",
            "{\"sub\":\"alice\",\"kind\":\"connection\",\"exp\":" + inAnHour() + "}");
    String forged =
        token.substring(0, token.lastIndexOf('.') + 1)
            + "AAAA"
            + token.substring(token.lastIndexOf('.') + 5);
    assertRefused(forged, "invalid token: bad signature");
  }

  @Test
  void anotherAlgorithmIsRefusedInOurWords() throws Exception {
    String token =
        part("{\"alg\":\"HS512\"}")
            + "."
            + part("{\"sub\":\"alice\",\"kind\":\"connection\",\"exp\":" + inAnHour() + "}")
            + ".c2ln";
    assertRefused(token, "invalid token: signed with HS512; this server accepts HS256");
  }

  @Test
  void aMissingSubIsRefusedInOurWords() throws Exception {
    String token =
        hs256("{\"alg\":\"HS256\"}", "{\"kind\":\"connection\",\"exp\":" + inAnHour() + "}");
    assertRefused(token, "invalid token: sub (the user) is missing");
  }

  /**
   * Refused at the upgrade with 401 and in {@code connect} with {@code unauthorized}, saying so.
   */
  private static void assertRefused(String token, String reason) throws Exception {
    String answer = upgrade("/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    assertThat(answer).startsWith("HTTP/1.1 401");
    assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).startsWith(reason);
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
      c.send("{\"id\":1,\"op\":\"connect\",\"token\":\"" + token + "\"}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).as(reply.toString()).isEqualTo("unauthorized");
      assertThat(reply.at("/error/message").asText()).startsWith(reason);
    }
    for (String libraryText : Set.of("extend class", "JWT", "Signed JWT rejected")) {
      assertThat(answer).doesNotContain(libraryText);
    }
  }

  private static String upgrade(String pathAndQuery) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + pathAndQuery
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                  + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.net.SocketTimeoutException e) {
      return "(no close: the upgrade was accepted)";
    }
  }
}
