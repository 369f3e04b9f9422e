package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an RSA public key ({@code auth.public-key}) only RS256 tokens pass: an HS256 token "signed"
 * with the public key's PEM text as its secret, the classic algorithm confusion attack, gets 401.
 */
@Timeout(120)
class TokenAlgorithmConfusionTest {
  @TempDir static Path dir;
  private static PushwireNode node;
  private static KeyPair rsa;
  private static String pem;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
    pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Path file = dir.resolve("key.pem");
    Files.writeString(file, pem);
    node =
        TestNodes.start(
            TestNodes.config().auth(AuthSettings.DEFAULT.withPublicKey(file.toString())).build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
        .claim("kind", "connection")
        .build();
  }

  private static String q(String token) {
    return URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  @Test
  void rs256TokenConnects() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims());
    jwt.sign(new RSASSASigner(rsa.getPrivate()));
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/?channel=rsa&token=" + q(jwt.serialize())))) {
      TestNodes.awaitSubscribers(node, "rsa", 1);
      assertThat(c).isNotNull();
    }
  }

  @Test
  void hs256TokenSignedWithThePublicKeyIsRefusedWith401() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims());
    jwt.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
    assertThat(ConnectionTokensTest.refusedStatus(node, "/?token=" + q(jwt.serialize()), Map.of()))
        .isEqualTo(401);
  }

  @Test
  void noTokenIsRefusedBecauseAnonymousDefaultsToOffWithAKey() {
    assertThat(ConnectionTokensTest.refusedStatus(node, "/", Map.of())).isEqualTo(401);
  }
}
