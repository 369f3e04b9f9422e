package dev.pushwire.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
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
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies tokens (JWT) with the one key the config names, using nimbus-jose-jwt for the signature
 * and its own checks for the claims. The accepted algorithm is fixed by that key: {@code HS256} for
 * {@code auth.hmac-secret}, {@code RS256} for an RSA key and {@code ES256} for an EC P-256 key
 * ({@code auth.public-key} or {@code auth.jwks-file}). Every other algorithm is refused, {@code
 * none} included, so an HS256 token signed with an RSA public key as its secret (algorithm
 * confusion) never passes. {@code sub}, {@code exp} and {@code kind} ({@link TokenKind}) are
 * required; {@code exp} and {@code nbf} are checked with the configured clock skew. Every refusal
 * is a {@link TokenException} whose message is in this project's words, for the client: the
 * library's own texts never reach it. Thread-safe.
 */
public final class TokenVerifier {
  /** The smallest HS256 secret, in bytes (RFC 7518 section 3.2). */
  public static final int MIN_SECRET_BYTES = 32;

  /** The latest time a token may name: the end of the year 9999, in seconds since 1970. */
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final JWSVerificationKeySelector<SecurityContext> selector;
  private final Duration clockSkew;
  private final Clock clock;

  private TokenVerifier(
      JWSVerificationKeySelector<SecurityContext> selector, Duration clockSkew, Clock clock) {
    this.selector = selector;
    this.clockSkew = clockSkew;
    this.clock = clock;
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(selector);
    // The signature only: the claims are checked here, so that each refusal says what is wrong.
    processor.setJWTClaimsSetVerifier(null);
  }

  /** {@link #of(AuthSettings, Clock)} on the system clock. */
  public static TokenVerifier of(AuthSettings settings) {
    return of(settings, Clock.systemUTC());
  }

  /**
   * The verifier for {@code settings}, checking times against {@code clock}, or {@code null} when
   * they name no key.
   *
   * @throws IllegalArgumentException when more than one key is configured, or the key cannot be
   *     read
   */
  public static TokenVerifier of(AuthSettings settings, Clock clock) {
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
    return new TokenVerifier(selector, settings.clockSkew(), clock);
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
   * The claims of {@code token}, which must be of kind {@code expected}.
   *
   * @throws TokenException as {@link #verify(String)} does, and when the token is of another kind
   */
  public VerifiedToken verify(String token, TokenKind expected) throws TokenException {
    VerifiedToken t = verify(token);
    if (t.kind() != expected) {
      throw new TokenException(
          expected == TokenKind.CONNECTION
              ? "a subscription token cannot open a connection; use a connection token"
                  + " (\"kind\": \"connection\")"
              : "a connection token is not a subscription token; send one whose \"kind\" is"
                  + " \"subscription\" and whose \"channel\" is the channel");
    }
    return t;
  }

  /**
   * The claims of {@code token}, of either kind.
   *
   * @throws TokenException when it is malformed, unsigned, signed with another algorithm or key,
   *     expired, not yet valid, or lacks {@code sub}, {@code exp} or {@code kind}
   */
  public VerifiedToken verify(String token) throws TokenException {
    SignedJWT jwt = parse(token);
    checkHeader(jwt.getHeader());
    try {
      processor.process(jwt, null);
    } catch (BadJOSEException e) {
      // The algorithm and the key were checked above: what is left is the signature itself.
      throw new TokenException("invalid token: bad signature");
    } catch (JOSEException e) {
      throw new TokenException("token could not be verified");
    }
    // The signature holds: the claims are the issuer's, and may be read and judged.
    Map<String, Object> claims = jwt.getPayload().toJSONObject();
    if (claims == null) {
      throw new TokenException("malformed token: its payload is not a JSON object");
    }
    Instant expiresAt = time(claims, "exp");
    if (expiresAt == null) {
      throw new TokenException("invalid token: exp (its expiry, in seconds since 1970) is missing");
    }
    Instant notBefore = time(claims, "nbf");
    Instant now = clock.instant();
    if (now.isAfter(expiresAt.plus(clockSkew))) {
      throw new TokenException("token expired");
    }
    if (notBefore != null && now.plus(clockSkew).isBefore(notBefore)) {
      throw new TokenException("token not valid yet (its nbf is in the future)");
    }
    String sub = string(claims, "sub");
    if (sub == null || sub.isBlank()) {
      throw new TokenException("invalid token: sub (the user) is missing");
    }
    TokenKind kind = TokenKind.of(string(claims, TokenKind.CLAIM));
    if (kind == null) {
      throw new TokenException(
          "invalid token: the token has no \"kind\" claim that this server knows: a connection"
              + " token needs \"kind\": \"connection\", a subscription token \"kind\":"
              + " \"subscription\" (see docs/SECURITY.md, token kinds)");
    }
    return new VerifiedToken(
        sub, expiresAt, stringList(claims, "channels"), string(claims, "channel"), kind);
  }

  private static SignedJWT parse(String token) throws TokenException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new TokenException(
          "malformed token: expected a JWT (three base64url parts: header.payload.signature)");
    }
    if (jwt instanceof PlainJWT) {
      throw new TokenException("invalid token: unsigned tokens (alg none) are not accepted");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new TokenException("invalid token: encrypted tokens (JWE) are not accepted; sign it");
    }
    return signed;
  }

  /** Refuses what the signature check would refuse with an unclear reason, with a clear one. */
  private void checkHeader(JWSHeader header) throws TokenException {
    JWSAlgorithm alg = header.getAlgorithm();
    if (!selector.isAllowed(alg)) {
      List<String> accepted =
          List.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256).stream()
              .filter(selector::isAllowed)
              .map(JWSAlgorithm::getName)
              .toList();
      throw new TokenException(
          "invalid token: signed with "
              + shown(alg.getName())
              + "; this server accepts "
              + String.join(" or ", accepted));
    }
    Set<String> critical = header.getCriticalParams();
    if (critical != null && !critical.isEmpty()) {
      throw new TokenException(
          "invalid token: its crit header names "
              + shown(new TreeSet<>(critical).toString())
              + ", which this server does not support");
    }
    JOSEObjectType type = header.getType();
    if (type != null && !JOSEObjectType.JWT.equals(type)) {
      throw new TokenException(
          "invalid token: its typ header is "
              + shown(type.getType())
              + "; this server takes JWT or none");
    }
    try {
      if (selector.selectJWSKeys(header, null).isEmpty()) {
        throw new TokenException(
            "invalid token: no key of this server matches it"
                + (header.getKeyID() == null ? "" : " (kid " + shown(header.getKeyID()) + ")"));
      }
    } catch (KeySourceException e) {
      throw new TokenException("token could not be verified");
    }
  }

  /** Text from the token itself, cut short: a refusal repeats it, but not at any length. */
  private static String shown(String fromToken) {
    String t = String.valueOf(fromToken);
    return t.length() <= 40 ? t : t.substring(0, 40) + "...";
  }

  /** A NumericDate claim (seconds since 1970), or {@code null} when absent. */
  private static Instant time(Map<String, Object> claims, String name) throws TokenException {
    Object v = claims.get(name);
    if (v == null) {
      return null;
    }
    double seconds = v instanceof Number n ? n.doubleValue() : Double.NaN;
    if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
      throw new TokenException(
          "invalid token: " + name + " must be a time in seconds since 1970, up to the year 9999");
    }
    return Instant.ofEpochSecond((long) seconds);
  }

  private static String string(Map<String, Object> claims, String name) throws TokenException {
    Object v = claims.get(name);
    if (v != null && !(v instanceof String)) {
      throw new TokenException("invalid token: " + name + " must be a string");
    }
    return (String) v;
  }

  private static List<String> stringList(Map<String, Object> claims, String name)
      throws TokenException {
    Object v = claims.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new TokenException("invalid token: " + name + " must be a list of strings");
  }
}
