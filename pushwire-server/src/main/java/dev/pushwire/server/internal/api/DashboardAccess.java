package dev.pushwire.server.internal.api;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may load the dashboard's page. The page holds no data: everything it shows comes from the
 * HTTP API, which needs a key. What this decides is where the page is offered at all:
 *
 * <ul>
 *   <li>{@code dashboard.enabled: false}: nowhere ({@link Verdict#OFF});
 *   <li>a node bound to a loopback address, or a request from one: served;
 *   <li>any other request: served only when {@code admin.secret} is set, and the page then signs in
 *       with it; otherwise a page that says how to enable it ({@link #refusal}).
 * </ul>
 *
 * A node bound to {@code 0.0.0.0} (the default) thus shows the dashboard to a browser on the same
 * machine, and to no other without an admin secret.
 */
public final class DashboardAccess {

  /** What to do with a request for the dashboard. */
  public enum Verdict {
    /** Serve the page. */
    SERVE,
    /** Answer with {@link DashboardAccess#refusal}. */
    REFUSE,
    /** The dashboard is turned off: answer as if it did not exist. */
    OFF
  }

  private final boolean enabled;
  private final String host;
  private final boolean boundToLoopback;
  private final boolean adminSecretSet;

  DashboardAccess(boolean enabled, String host, boolean adminSecretSet) {
    this.enabled = enabled;
    this.host = host;
    this.boundToLoopback = isLoopback(host);
    this.adminSecretSet = adminSecretSet;
  }

  /** The access rules of {@code config}; resolves its host name once, here. */
  public static DashboardAccess of(ServerConfig config) {
    return new DashboardAccess(
        config.dashboardEnabled(), config.core().host(), config.adminSecret() != null);
  }

  /**
   * The keys the HTTP API accepts: the API keys and, when set, the admin secret (the dashboard
   * signs in with it when opened from another machine).
   */
  public static List<String> acceptedKeys(List<String> apiKeys, String adminSecret) {
    if (adminSecret == null) {
      return apiKeys;
    }
    List<String> keys = new ArrayList<>(apiKeys);
    keys.add(adminSecret);
    return List.copyOf(keys);
  }

  /** Whether the node listens on a loopback address only. */
  public boolean boundToLoopback() {
    return boundToLoopback;
  }

  /** Whether an admin secret is configured. */
  public boolean adminSecretSet() {
    return adminSecretSet;
  }

  /** What to do with a request for the dashboard from {@code remote}. */
  public Verdict check(InetSocketAddress remote) {
    if (!enabled) {
      return Verdict.OFF;
    }
    if (boundToLoopback || isLoopback(remote) || adminSecretSet) {
      return Verdict.SERVE;
    }
    return Verdict.REFUSE;
  }

  /** Whether a request from {@code remote} should sign in with the admin secret. */
  public boolean needsAdminSecret(InetSocketAddress remote) {
    return !boundToLoopback && !isLoopback(remote);
  }

  /** The 403 page for a request from {@code remote} that may not see the dashboard. */
  public HttpResponse refusal(InetSocketAddress remote) {
    String from = remote == null ? "your address" : remote.getAddress().getHostAddress();
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>Pushwire dashboard: not enabled for remote access</title></head><body>\n"
            + "<h1>The Pushwire dashboard is not enabled for remote access</h1>\n"
            + "<p>This node listens on <code>"
            + escape(host)
            + "</code>. Its dashboard is shown to browsers on the same machine (loopback); a"
            + " request from <code>"
            + escape(from)
            + "</code> needs an admin secret, and none is configured.</p>\n"
            + "<p>To enable it, set an admin secret (<code>admin.secret</code>, 16 or more"
            + " characters) and restart the node, then sign in with it:</p>\n"
            + "<pre>pushwire serve --admin-secret \"$(openssl rand -base64 24)\"\n"
            + "# or PUSHWIRE_ADMIN_SECRET=..., or in the config file:\n"
            + "admin:\n  secret: ...</pre>\n"
            + "<p>Or reach it through a tunnel, which counts as loopback:</p>\n"
            + "<pre>ssh -L 9876:127.0.0.1:9876 THIS-HOST   # then open http://127.0.0.1:9876/</pre>\n"
            + "<p>To turn the dashboard off: <code>dashboard.enabled: false</code>.</p>\n"
            + "</body></html>\n";
    return DashboardRoutes.withPageHeaders(
        HttpResponse.of(
            403,
            "text/html; charset=utf-8",
            html.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static boolean isLoopback(InetSocketAddress remote) {
    return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      // A host that does not resolve cannot be bound either; treat it as not loopback.
      return false;
    }
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
