package dev.pushwire.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Mints HS256 tokens, for {@code pushwire token} and tests: connection tokens ({@code "kind":
 * "connection"}), or subscription tokens ({@code "kind": "subscription"}) when given a channel.
 */
public final class TokenMinter {
  private TokenMinter() {}

  /**
   * A token for {@code user}, valid for {@code ttl} from now, signed with {@code secret}.
   *
   * @param channels the {@code channels} claim, or {@code null} for none
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public static String hs256(
      String secret, String user, List<String> channels, Duration ttl, Clock clock) {
    return hs256(secret, user, channels, null, ttl, clock);
  }

  /**
   * As above, with a {@code channel} claim when {@code channel} is not {@code null}: a per-channel
   * subscription token for a private channel.
   */
  public static String hs256(
      String secret,
      String user,
      List<String> channels,
      String channel,
      Duration ttl,
      Clock clock) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < TokenVerifier.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the secret is too short: HS256 needs at least "
              + TokenVerifier.MIN_SECRET_BYTES
              + " bytes");
    }
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(user)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)));
    if (channels != null) {
      claims.claim("channels", List.copyOf(channels));
    }
    if (channel != null) {
      claims.claim("channel", channel);
    }
    claims.claim(
        TokenKind.CLAIM, (channel == null ? TokenKind.CONNECTION : TokenKind.SUBSCRIPTION).value());
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            claims.build());
    try {
      jwt.sign(new MACSigner(key));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
