package dev.pushwire.core.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Validation and lookup helpers shared by the settings builders and the request records. */
public final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} naming the key, the bad value and what was expected, in
   * the form {@code key: bad value 'v' (expected ...)} that config errors show to users.
   */
  public static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "%s: bad value '%s' (expected %s)", key, value, expected));
    }
  }

  /** Whether {@code s} is an HTTP token (RFC 7230 section 3.2.6), as subprotocol names must be. */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** The first value under {@code name} in a multi-map, or {@code null}. */
  public static String first(Map<String, List<String>> map, String name) {
    List<String> values = map.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a header in a map whose names are lower case, or {@code null}. */
  public static String firstHeader(Map<String, List<String>> headers, String name) {
    return first(headers, name.toLowerCase(Locale.ROOT));
  }
}
