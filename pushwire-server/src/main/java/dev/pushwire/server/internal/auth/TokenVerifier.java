package dev.pushwire.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.pushwire.server.AuthSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies connection tokens (JWT) with the one key the config names, using nimbus-jose-jwt. The
 * accepted algorithm is fixed by that key: {@code HS256} for {@code auth.hmac-secret}, {@code
 * RS256} for an RSA key and {@code ES256} for an EC P-256 key ({@code auth.public-key} or {@code
 * auth.jwks-file}). Every other algorithm is refused, {@code none} included, so an HS256 token
 * signed with an RSA public key as its secret (algorithm confusion) never passes. {@code sub} and
 * {@code exp} are required; {@code exp} and {@code nbf} are checked with the configured clock skew.
 * Thread-safe.
 */
public final class TokenVerifier {
  /** The smallest HS256 secret, in bytes (RFC 7518 section 3.2). */
  public static final int MIN_SECRET_BYTES = 32;

  private final DefaultJWTProcessor<SecurityContext> processor;

  private TokenVerifier(DefaultJWTProcessor<SecurityContext> processor) {
    this.processor = processor;
  }

  /**
   * The verifier for {@code settings}, or {@code null} when they name no key.
   *
   * @throws IllegalArgumentException when more than one key is configured, or the key cannot be
   *     read
   */
  public static TokenVerifier of(AuthSettings settings) {
    int keys =
        (settings.hmacSecret() != null ? 1 : 0)
            + (settings.publicKey() != null ? 1 : 0)
            + (settings.jwksFile() != null ? 1 : 0);
    if (keys == 0) {
      return null;
    }
    if (keys > 1) {
      throw new IllegalArgumentException(
          "auth: set only one of auth.hmac-secret, auth.public-key and auth.jwks-file");
    }
    JWSVerificationKeySelector<SecurityContext> selector;
    if (settings.hmacSecret() != null) {
      selector = hmac(settings.hmacSecret());
    } else if (settings.publicKey() != null) {
      selector = publicKey(Path.of(settings.publicKey()));
    } else {
      selector = jwks(Path.of(settings.jwksFile()));
    }
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(selector);
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(null, Set.of("sub", "exp"));
    claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, settings.clockSkew().toSeconds()));
    p.setJWTClaimsSetVerifier(claims);
    return new TokenVerifier(p);
  }

  /** An HS256 verifier for {@code secret}. */
  public static JWSVerificationKeySelector<SecurityContext> hmac(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "auth.hmac-secret: too short (expected at least " + MIN_SECRET_BYTES + " bytes)");
    }
    return new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(bytes));
  }

  private static JWSVerificationKeySelector<SecurityContext> publicKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("auth.public-key: cannot read " + file + ": " + e, e);
    }
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "auth.public-key: " + file + " is not a PEM public key (BEGIN PUBLIC KEY)", e);
    }
    PublicKey key = decode(der, file);
    if (key instanceof RSAPublicKey rsa) {
      return new JWSVerificationKeySelector<>(
          JWSAlgorithm.RS256, new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder(rsa).build())));
    }
    ECPublicKey ec = (ECPublicKey) key;
    Curve curve = Curve.forECParameterSpec(ec.getParams());
    if (!Curve.P_256.equals(curve)) {
      throw new IllegalArgumentException(
          "auth.public-key: " + file + ": only EC keys on P-256 (ES256) are supported");
    }
    return new JWSVerificationKeySelector<>(
        JWSAlgorithm.ES256,
        new ImmutableJWKSet<>(new JWKSet(new ECKey.Builder(Curve.P_256, ec).build())));
  }

  private static PublicKey decode(byte[] der, Path file) {
    for (String type : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this type: try the next one
      }
    }
    throw new IllegalArgumentException(
        "auth.public-key: " + file + " holds neither an RSA nor an EC public key");
  }

  private static JWSVerificationKeySelector<SecurityContext> jwks(Path file) {
    JWKSet set;
    try {
      set = JWKSet.load(file.toFile());
    } catch (IOException | ParseException e) {
      throw new IllegalArgumentException("auth.jwks-file: cannot read " + file + ": " + e, e);
    }
    Set<JWSAlgorithm> algs = new HashSet<>();
    set.getKeys()
        .forEach(
            k -> {
              if (KeyType.RSA.equals(k.getKeyType())) {
                algs.add(JWSAlgorithm.RS256);
              } else if (KeyType.EC.equals(k.getKeyType())) {
                algs.add(JWSAlgorithm.ES256);
              }
            });
    if (algs.isEmpty()) {
      throw new IllegalArgumentException(
          "auth.jwks-file: " + file + " has no RSA or EC key (symmetric keys are not accepted)");
    }
    return new JWSVerificationKeySelector<>(algs, new ImmutableJWKSet<>(set.toPublicJWKSet()));
  }

  /**
   * The claims of {@code token}.
   *
   * @throws TokenException when it is malformed, unsigned, signed with another algorithm or key,
   *     expired, not yet valid, or lacks {@code sub} or {@code exp}
   */
  public VerifiedToken verify(String token) throws TokenException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ExpiredJWTException e) {
      throw new TokenException("token expired");
    } catch (BadJWTException e) {
      throw new TokenException("invalid token: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw new TokenException("invalid token: " + e.getMessage());
    } catch (ParseException e) {
      throw new TokenException("malformed token");
    } catch (JOSEException e) {
      throw new TokenException("token could not be verified");
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isBlank()) {
      throw new TokenException("invalid token: empty sub");
    }
    List<String> channels;
    try {
      channels = claims.getStringListClaim("channels");
    } catch (ParseException e) {
      throw new TokenException("invalid token: channels must be a list of strings");
    }
    String channel;
    try {
      channel = claims.getStringClaim("channel");
    } catch (ParseException e) {
      throw new TokenException("invalid token: channel must be a string");
    }
    return new VerifiedToken(
        sub,
        claims.getExpirationTime().toInstant(),
        channels == null ? null : List.copyOf(channels),
        channel);
  }
}
