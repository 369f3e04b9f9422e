package dev.pushwire.core.internal;

import java.util.List;
import java.util.Locale;

/**
 * The Origin allow-list: exact origins ({@code https://app.example.com}), wildcard subdomains
 * ({@code https://*.example.com}, which does not match {@code https://example.com} itself) and
 * {@code *}. An empty list allows everything.
 */
final class OriginPolicy {
  private final List<String> exact;
  private final List<String[]> wildcards;
  private final boolean any;

  OriginPolicy(List<String> allowed) {
    this.any = allowed.isEmpty() || allowed.contains("*");
    this.exact = allowed.stream().filter(o -> !o.contains("*")).map(OriginPolicy::norm).toList();
    this.wildcards =
        allowed.stream()
            .filter(o -> o.contains("://*."))
            .map(OriginPolicy::norm)
            .map(
                o ->
                    new String[] {
                      o.substring(0, o.indexOf("://") + 3), o.substring(o.indexOf("*.") + 1)
                    })
            .toList();
  }

  boolean allows(String origin) {
    if (any) {
      return true;
    }
    String o = norm(origin);
    if (exact.contains(o)) {
      return true;
    }
    for (String[] w : wildcards) {
      // w[0] is "scheme://", w[1] is ".example.com" (possibly with a port).
      if (o.startsWith(w[0]) && o.endsWith(w[1]) && o.length() > w[0].length() + w[1].length()) {
        String host = o.substring(w[0].length(), o.length() - w[1].length());
        if (!host.contains("/") && !host.contains(":") && !host.isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  private static String norm(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
