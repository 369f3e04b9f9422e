package dev.pushwire.server.internal.api;

import dev.pushwire.server.internal.auth.ChannelPatterns;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The API keys a node accepts, and how a request presents one: {@code X-API-Key: KEY}, {@code
 * Authorization: Bearer KEY} or {@code Authorization: apikey KEY}. Keys are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, against every configured key without stopping early,
 * so the time taken tells nothing about a key's length or content.
 */
public final class ApiKeys {
  /** The header that carries a key. */
  public static final String HEADER = "X-API-Key";

  /** The {@code Authorization} scheme that carries a key (and the one 401s ask for). */
  public static final String SCHEME = "apikey";

  /** The other {@code Authorization} scheme that carries a key, as most HTTP APIs take it. */
  public static final String BEARER = "bearer";

  /** How to send a key, for messages. */
  public static final String HOW =
      "send it as 'X-API-Key: KEY', 'Authorization: Bearer KEY' or 'Authorization: apikey KEY'";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<byte[]> digests;

  /** Per key (same order as {@link #digests}): the channels it may use, or {@code null}: all. */
  private final List<ChannelPatterns> scopes;

  /** Accepts each of {@code keys}, unrestricted; must not be empty. */
  public ApiKeys(List<String> keys) {
    this(keys, Collections.nCopies(keys.size(), null));
  }

  private ApiKeys(List<String> keys, List<ChannelPatterns> scopes) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one API key is needed");
    }
    List<byte[]> d = new ArrayList<>(keys.size());
    for (String k : keys) {
      d.add(digest(k));
    }
    this.digests = List.copyOf(d);
    this.scopes = Collections.unmodifiableList(new ArrayList<>(scopes));
  }

  /**
   * Accepts {@code configured} keys, each {@code KEY} (every channel) or {@code
   * KEY:PATTERN,PATTERN} (only channels a pattern matches; {@code *} matches anything), and {@code
   * unrestricted} keys (such as the admin secret) as they are.
   */
  public static ApiKeys withScopes(List<String> configured, List<String> unrestricted) {
    List<String> keys = new ArrayList<>();
    List<ChannelPatterns> scopes = new ArrayList<>();
    for (String k : configured) {
      int colon = k.indexOf(':');
      if (colon > 0 && colon < k.length() - 1) {
        keys.add(k.substring(0, colon));
        scopes.add(new ChannelPatterns(List.of(k.substring(colon + 1).split(","))));
      } else {
        keys.add(k);
        scopes.add(null);
      }
    }
    for (String k : unrestricted) {
      keys.add(k);
      scopes.add(null);
    }
    return new ApiKeys(keys, scopes);
  }

  /**
   * The channel patterns {@code presented} is limited to, or {@code null} when it may use every
   * channel (or is not a key). Compares against every key, like {@link #matches}.
   */
  public ChannelPatterns scope(String presented) {
    if (presented == null) {
      return null;
    }
    byte[] candidate = digest(presented);
    ChannelPatterns found = null;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(digests.get(i), candidate) && scopes.get(i) != null) {
        found = scopes.get(i);
      }
    }
    return found;
  }

  /** Whether {@code presented} is one of the keys; {@code null} is not. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] candidate = digest(presented);
    boolean found = false;
    for (byte[] d : digests) {
      found |= MessageDigest.isEqual(d, candidate);
    }
    return found;
  }

  /**
   * The key a request presents in its headers, or {@code null}.
   *
   * @param header the request's header by name (any case), {@code null} when absent
   */
  public static String presented(Function<String, String> header) {
    String key = header.apply(HEADER);
    if (key != null && !key.isBlank()) {
      return key.trim();
    }
    String auth = header.apply("Authorization");
    if (auth != null) {
      String a = auth.trim();
      int space = a.indexOf(' ');
      String scheme = space > 0 ? a.substring(0, space).toLowerCase(Locale.ROOT) : "";
      if (scheme.equals(SCHEME) || scheme.equals(BEARER)) {
        String k = a.substring(space + 1).trim();
        return k.isEmpty() ? null : k;
      }
    }
    return null;
  }

  /**
   * Why a request presents no key, for its 401: it sent no key at all, or an {@code Authorization}
   * header of another scheme (say {@code Basic}).
   */
  public static String missing(Function<String, String> header) {
    String auth = header.apply("Authorization");
    if (auth != null && !auth.isBlank()) {
      String a = auth.trim();
      int space = a.indexOf(' ');
      String scheme = space > 0 ? a.substring(0, space) : a;
      if (!scheme.equalsIgnoreCase(SCHEME) && !scheme.equalsIgnoreCase(BEARER)) {
        return "the Authorization header's scheme '"
            + (scheme.length() > 20 ? scheme.substring(0, 20) + "..." : scheme)
            + "' carries no API key: "
            + HOW;
      }
    }
    return "missing API key: " + HOW;
  }

  /** A new random key: 32 characters of URL-safe Base64 (192 bits). */
  public static String generate() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
