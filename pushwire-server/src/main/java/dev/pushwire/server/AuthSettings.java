package dev.pushwire.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code auth.*} and {@code channels.*} settings of a node: which key verifies connection
 * tokens (JWT), whether connections without one are allowed, and which channels clients may
 * subscribe and publish to. See {@code docs/SECURITY.md}.
 *
 * @param hmacSecret {@code auth.hmac-secret}: the shared secret of HS256 tokens, or {@code null}
 * @param publicKey {@code auth.public-key}: a PEM file with the RSA (RS256) or EC P-256 (ES256)
 *     public key of tokens, or {@code null}
 * @param jwksFile {@code auth.jwks-file}: a JWKS file with the RS256/ES256 keys of tokens, or
 *     {@code null}
 * @param anonymous {@code auth.anonymous}: whether connections without a token are allowed; {@code
 *     null} means yes when no key is configured, no when one is
 * @param clockSkew {@code auth.clock-skew}: how far {@code exp} and {@code nbf} may be off
 * @param publicChannels {@code channels.public}: patterns anyone connected may subscribe to
 * @param privateChannels {@code channels.private}: patterns only tokens whose {@code channels}
 *     claim matches may subscribe to
 * @param clientPublishChannels {@code channels.client-publish}: patterns {@code pushwire.v1}
 *     clients may publish to (empty: none)
 * @param connectTimeout {@code auth.connect-timeout}: how long a {@code pushwire.v1} connection
 *     that opened without a token (anonymous off) has to send a valid {@code connect} command
 */
public record AuthSettings(
    String hmacSecret,
    String publicKey,
    String jwksFile,
    Boolean anonymous,
    Duration clockSkew,
    List<String> publicChannels,
    List<String> privateChannels,
    List<String> clientPublishChannels,
    Duration connectTimeout) {

  /** The default {@code auth.connect-timeout}, 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default clock skew, 30 s. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  /** No token key, anonymous connections, every channel public, no client publishing. */
  public static final AuthSettings DEFAULT =
      new AuthSettings(
          null,
          null,
          null,
          null,
          DEFAULT_CLOCK_SKEW,
          List.of("*"),
          List.of(),
          List.of(),
          DEFAULT_CONNECT_TIMEOUT);

  /** Checks and copies the lists. */
  public AuthSettings {
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    publicChannels = List.copyOf(publicChannels);
    privateChannels = List.copyOf(privateChannels);
    clientPublishChannels = List.copyOf(clientPublishChannels);
  }

  /**
   * Checks what can be checked without reading files: at most one key, a long enough secret, and
   * {@code auth.anonymous: false} only with a key.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  void check() {
    int keys =
        (hmacSecret != null ? 1 : 0) + (publicKey != null ? 1 : 0) + (jwksFile != null ? 1 : 0);
    if (keys > 1) {
      throw new IllegalArgumentException(
          "auth: set only one of auth.hmac-secret, auth.public-key and auth.jwks-file");
    }
    if (hmacSecret != null
        && hmacSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      // The value is a secret: the message does not repeat it.
      throw new IllegalArgumentException("auth.hmac-secret: bad value (expected 32 or more bytes)");
    }
    if (Boolean.FALSE.equals(anonymous) && keys == 0) {
      throw new IllegalArgumentException(
          "auth.anonymous: false needs a token key (auth.hmac-secret, auth.public-key or"
              + " auth.jwks-file)");
    }
  }

  /** Whether a key to verify tokens is configured. */
  public boolean tokensEnabled() {
    return hmacSecret != null || publicKey != null || jwksFile != null;
  }

  /** Whether connections without a token are allowed, with the default applied. */
  public boolean anonymousAllowed() {
    return anonymous != null ? anonymous : !tokensEnabled();
  }

  /** A copy with {@code auth.hmac-secret} set. */
  public AuthSettings withHmacSecret(String v) {
    return new AuthSettings(
        v,
        publicKey,
        jwksFile,
        anonymous,
        clockSkew,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code auth.public-key} set. */
  public AuthSettings withPublicKey(String v) {
    return new AuthSettings(
        hmacSecret,
        v,
        jwksFile,
        anonymous,
        clockSkew,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code auth.jwks-file} set. */
  public AuthSettings withJwksFile(String v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        v,
        anonymous,
        clockSkew,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code auth.anonymous} set. */
  public AuthSettings withAnonymous(Boolean v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        v,
        clockSkew,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code auth.clock-skew} set. */
  public AuthSettings withClockSkew(Duration v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        anonymous,
        v,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code channels.public} set. */
  public AuthSettings withPublicChannels(List<String> v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        anonymous,
        clockSkew,
        v,
        privateChannels,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code channels.private} set. */
  public AuthSettings withPrivateChannels(List<String> v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        anonymous,
        clockSkew,
        publicChannels,
        v,
        clientPublishChannels,
        connectTimeout);
  }

  /** A copy with {@code channels.client-publish} set. */
  public AuthSettings withClientPublishChannels(List<String> v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        anonymous,
        clockSkew,
        publicChannels,
        privateChannels,
        v,
        connectTimeout);
  }

  @Override
  public String toString() {
    return "AuthSettings{hmacSecret="
        + (hmacSecret == null ? "unset" : "set")
        + ", publicKey="
        + publicKey
        + ", jwksFile="
        + jwksFile
        + ", anonymous="
        + anonymousAllowed()
        + ", clockSkew="
        + clockSkew
        + ", publicChannels="
        + publicChannels
        + ", privateChannels="
        + privateChannels
        + ", clientPublishChannels="
        + clientPublishChannels
        + "}";
  }

  /** A copy with {@code auth.connect-timeout} set. */
  public AuthSettings withConnectTimeout(Duration v) {
    return new AuthSettings(
        hmacSecret,
        publicKey,
        jwksFile,
        anonymous,
        clockSkew,
        publicChannels,
        privateChannels,
        clientPublishChannels,
        v);
  }
}
