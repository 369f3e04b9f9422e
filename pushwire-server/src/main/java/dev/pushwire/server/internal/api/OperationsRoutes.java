package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.server.internal.Readiness;
import dev.pushwire.server.internal.metrics.NodeMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of load balancers, orchestrators and monitoring, without an API key, in
 * front of every other route: {@code GET /healthz} (200 {@code ok} while the process lives), {@code
 * GET /readyz} (200 while the node should get new clients, 503 with the reason while it starts,
 * drains or misses a backend; both with a small JSON body) and {@code GET /metrics} (the Prometheus
 * text format). Other requests pass to the next listener unchanged. None of them blocks the event
 * loop: the metrics answer may come later from another thread.
 *
 * <p>They reveal no message or key, only counts; still, bind the node to a private address or let a
 * proxy keep them internal (see {@code docs/OPERATIONS.md}).
 */
public final class OperationsRoutes implements RequestListener {
  private static final Logger log = LoggerFactory.getLogger(OperationsRoutes.class);

  /** The liveness check. */
  public static final String HEALTH_PATH = "/healthz";

  /** The readiness check. */
  public static final String READY_PATH = "/readyz";

  /** The Prometheus scrape. */
  public static final String METRICS_PATH = "/metrics";

  /** The content type of the Prometheus text format. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Readiness readiness;
  private final NodeMetrics metrics;
  private final Supplier<String> nodeId;
  private final WebSocketServer server;
  private final Instant startedAt;
  private final RequestListener next;

  /**
   * Routes answering from {@code readiness} and {@code metrics} about node {@code nodeId} on {@code
   * server}, started at {@code startedAt}; everything else goes to {@code next}.
   */
  public OperationsRoutes(
      Readiness readiness,
      NodeMetrics metrics,
      Supplier<String> nodeId,
      WebSocketServer server,
      Instant startedAt,
      RequestListener next) {
    this.readiness = readiness;
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.server = server;
    this.startedAt = startedAt;
    this.next = next;
  }

  @Override
  public void onRequest(WebSocketServer srv, HttpExchange exchange) throws Exception {
    HttpRequest request = exchange.request();
    String path = request.path();
    if (!path.equals(HEALTH_PATH) && !path.equals(READY_PATH) && !path.equals(METRICS_PATH)) {
      next.onRequest(srv, exchange);
      return;
    }
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      exchange.respond(
          HttpResponse.text(405, path + " takes GET, not " + request.method() + "\n")
              .withHeader("Allow", "GET, HEAD"));
      return;
    }
    switch (path) {
      case HEALTH_PATH -> exchange.respond(noStore(HttpResponse.text(200, "ok\n")));
      case READY_PATH -> exchange.respond(noStore(ready()));
      default ->
          metrics
              .scrape()
              .whenComplete(
                  (text, error) -> {
                    if (error != null) {
                      log.error("GET {} failed", METRICS_PATH, error);
                      exchange.respond(HttpResponse.text(500, "cannot read the metrics\n"));
                      return;
                    }
                    exchange.respond(
                        noStore(
                            HttpResponse.of(
                                200, METRICS_CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8))));
                  });
    }
  }

  /**
   * {@code {"status":"ready","node":"n1","connections":3,"uptimeSeconds":42}} with 200, or with 503
   * and a {@code "reason"} when not ready.
   */
  private HttpResponse ready() {
    Readiness.Verdict v = readiness.check();
    ObjectNode body = ApiJson.object();
    body.put("status", v.status());
    if (v.reason() != null) {
      body.put("reason", v.reason());
    }
    body.put("node", nodeId.get());
    body.put("connections", server.connectionCount());
    body.put("uptimeSeconds", Duration.between(startedAt, Instant.now()).toSeconds());
    return ApiJson.response(v.ready() ? 200 : 503, body);
  }

  private static HttpResponse noStore(HttpResponse r) {
    return r.withHeader("Cache-Control", "no-store");
  }
}
