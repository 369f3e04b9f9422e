package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.WebSocketServer;
import java.util.List;

/**
 * Serves the browser side of a node in front of the HTTP API: {@code GET /pushwire.js} (the browser
 * client, to any origin), and the dashboard at {@code GET /} and {@code GET /dashboard/*} when
 * {@link DashboardAccess} allows it. Every other request, and a dashboard request while the
 * dashboard is off, passes to the next listener (the {@link ApiRouter}) unchanged.
 *
 * <p>The dashboard's page is static: it reads the figures from the HTTP API with the key the user
 * signs in with, and watches channels over WebSocket with {@code pushwire.js}. The one dynamic
 * answer is {@code /dashboard/settings.json}: where subscribers connect, and whether to sign in
 * with the admin secret.
 */
public final class DashboardRoutes implements RequestListener {
  /** Where the browser client is served. */
  public static final String CLIENT_PATH = "/pushwire.js";

  /** Where the dashboard's files are served (and the page itself at {@code /}). */
  public static final String DASHBOARD_PREFIX = "/dashboard/";

  static final String SETTINGS = "settings.json";

  /**
   * What the dashboard's pages may load: only this origin's files, this origin's API and any
   * WebSocket (its own node's, whose host may be named differently than the page's); no framing.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
          + " style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private final DashboardAccess access;
  private final StaticAssets assets;
  private final List<String> subscriberPaths;
  private final RequestListener next;

  /**
   * Routes for {@code assets}, allowed by {@code access}; the dashboard's own WebSocket connects to
   * the first of {@code subscriberPaths}; everything else goes to {@code next}.
   */
  public DashboardRoutes(
      DashboardAccess access,
      StaticAssets assets,
      List<String> subscriberPaths,
      RequestListener next) {
    this.access = access;
    this.assets = assets;
    this.subscriberPaths = List.copyOf(subscriberPaths);
    this.next = next;
  }

  @Override
  public void onRequest(WebSocketServer server, HttpExchange exchange) throws Exception {
    HttpRequest request = exchange.request();
    String path = request.path();
    if (path.equals(CLIENT_PATH)) {
      exchange.respond(client(request));
      return;
    }
    String name = dashboardFile(path);
    if (name == null) {
      next.onRequest(server, exchange);
      return;
    }
    switch (access.check(request.remoteAddress())) {
      case OFF -> next.onRequest(server, exchange);
      case REFUSE -> exchange.respond(access.refusal(request.remoteAddress()));
      case SERVE -> exchange.respond(dashboard(name, request));
    }
  }

  /** The dashboard file a path names ({@code /} is the page), or {@code null} when none. */
  private static String dashboardFile(String path) {
    if (path.equals("/")) {
      return "index.html";
    }
    if (path.startsWith(DASHBOARD_PREFIX)) {
      String rest = path.substring(DASHBOARD_PREFIX.length());
      return rest.isEmpty() ? "index.html" : rest;
    }
    return null;
  }

  private HttpResponse client(HttpRequest request) {
    if (!request.method().equals("GET")) {
      return methodNotAllowed(request);
    }
    // Pages on any origin may import the client as a module script, which needs CORS.
    return assets
        .respond(StaticAssets.CLIENT, request)
        .withHeader("Access-Control-Allow-Origin", "*");
  }

  private HttpResponse dashboard(String name, HttpRequest request) {
    if (!request.method().equals("GET")) {
      return methodNotAllowed(request);
    }
    if (name.equals(SETTINGS)) {
      return withPageHeaders(settings(request));
    }
    HttpResponse r = assets.respond("dashboard/" + name, request);
    if (r == null) {
      return withPageHeaders(
          HttpResponse.text(404, "no such dashboard file: " + request.path() + "\n"));
    }
    return withPageHeaders(r);
  }

  private HttpResponse settings(HttpRequest request) {
    ObjectNode answer = ApiJson.object();
    ArrayNode paths = answer.putArray("subscriberPaths");
    subscriberPaths.forEach(paths::add);
    answer.put("signIn", access.needsAdminSecret(request.remoteAddress()) ? "admin-secret" : "key");
    return ApiJson.response(200, answer).withHeader("Cache-Control", "no-store");
  }

  private static HttpResponse methodNotAllowed(HttpRequest request) {
    return HttpResponse.text(405, request.path() + " takes GET, not " + request.method() + "\n")
        .withHeader("Allow", "GET");
  }

  /** {@code r} with the headers every dashboard answer carries. */
  static HttpResponse withPageHeaders(HttpResponse r) {
    return r.withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("X-Frame-Options", "DENY")
        .withHeader("Referrer-Policy", "no-referrer");
  }
}
