package dev.pushwire.server.internal.api;

import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.server.internal.auth.ChannelPatterns;
import dev.pushwire.server.internal.metrics.NodeCounters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers plain HTTP requests on the node's port: the JSON API under {@code /api/}, with a key (see
 * {@link ApiRoutes}); {@code /healthz}, {@code /readyz} and {@code /metrics} are answered before it
 * by {@link OperationsRoutes}. Checks, in order: the API key (401), the route (404), the method
 * (405, with {@code Allow}), the body size (413); then runs the route, whose answer may come later
 * from any thread. Never blocks the event loop.
 */
public final class ApiRouter implements RequestListener {
  private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

  /** Where the API lives. */
  public static final String PREFIX = "/api/";

  private record Route(String method, Function<HttpRequest, CompletionStage<HttpResponse>> run) {}

  private final ApiKeys keys;
  private final int maxBodySize;
  private final Map<String, Route> routes = new LinkedHashMap<>();
  private final NodeCounters counters;

  /** A router to {@code api}'s handlers, accepting {@code keys}, counting in {@code counters}. */
  public ApiRouter(ApiKeys keys, int maxBodySize, ApiRoutes api, NodeCounters counters) {
    this.keys = keys;
    this.maxBodySize = maxBodySize;
    this.counters = counters;
    routes.put("/api/publish", new Route("POST", api.publishing::publish));
    routes.put("/api/broadcast", new Route("POST", api.publishing::broadcast));
    routes.put("/api/history", new Route("GET", api.channels::history));
    routes.put("/api/presence", new Route("GET", api.channels::presence));
    routes.put("/api/channels", new Route("GET", api.channels::channels));
    routes.put("/api/connections", new Route("GET", api.connections::connections));
    routes.put("/api/disconnect", new Route("POST", api.connections::disconnect));
    routes.put("/api/push", new Route("POST", api.connections::push));
    routes.put("/api/stats", new Route("GET", api.stats::stats));
  }

  @Override
  public void onRequest(WebSocketServer server, HttpExchange exchange) {
    HttpRequest request = exchange.request();
    String path = request.path();
    if (!path.startsWith(PREFIX)) {
      HttpResponse fallback = exchange.defaultResponse();
      exchange.respond(fallback.status() == 404 ? ApiJson.error(notFound(request)) : fallback);
      return;
    }
    counters.apiRequest();
    CompletionStage<HttpResponse> answer;
    try {
      answer = route(request);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, error) -> {
          HttpResponse r = error == null ? response : failure(request, error);
          log.debug("{} {} -> {}", request.method(), path, r.status());
          exchange.respond(r);
        });
  }

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    String presented = ApiKeys.presented(request::header);
    if (presented == null) {
      counters.apiUnauthorized();
      throw unauthorized(ApiKeys.missing(request::header));
    }
    if (!keys.matches(presented)) {
      counters.apiUnauthorized();
      throw unauthorized("wrong API key");
    }
    Route route = routes.get(request.path());
    if (route == null) {
      throw notFound(request);
    }
    ChannelPatterns scope = keys.scope(presented);
    if (scope != null) {
      ApiKeyScope.check(request, scope);
    }
    if (!route.method().equals(request.method())) {
      throw new MethodNotAllowed(route.method(), request);
    }
    if (request.body().length > maxBodySize) {
      counters.apiTooLarge();
      throw new ApiException(
          413,
          "payload_too_large",
          "body is "
              + request.body().length
              + " bytes; at most "
              + maxBodySize
              + " allowed (api.max-body-size)");
    }
    return route.run().apply(request);
  }

  private static HttpResponse failure(HttpRequest request, Throwable error) {
    ApiException e = asApiException(error);
    if (e.status() == 500) {
      log.error("{} {} failed", request.method(), request.path(), unwrap(error));
    }
    HttpResponse r = ApiJson.error(e);
    if (e instanceof MethodNotAllowed m) {
      return r.withHeader("Allow", m.allowed);
    }
    return e.status() == 401 ? r.withHeader("WWW-Authenticate", ApiKeys.SCHEME) : r;
  }

  /** {@code error} as the API answers it: its own status, a hub error's, or 500. */
  static ApiException asApiException(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof HubException h) {
      return new ApiException(status(h.code()), h.code().code(), h.getMessage());
    }
    return new ApiException(500, "internal", "internal error: " + e);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The HTTP status for a hub error. */
  static int status(ErrorCode code) {
    switch (code) {
      case BAD_REQUEST:
      case BAD_CHANNEL:
      case UNKNOWN_OP:
      case ALREADY_SUBSCRIBED:
      case NOT_SUBSCRIBED:
      case TOO_MANY_SUBSCRIPTIONS:
        return 400;
      case FORBIDDEN:
        return 403;
      case NO_CONNECTION:
        return 404;
      case UNAVAILABLE:
      case TOO_MANY_CHANNELS:
        return 503;
      default:
        return 500;
    }
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  private static ApiException notFound(HttpRequest request) {
    return new ApiException(
        404, "not_found", "no such route: " + request.method() + " " + request.path());
  }

  /** 405 with the method the route takes. */
  private static final class MethodNotAllowed extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String allowed;

    MethodNotAllowed(String allowed, HttpRequest request) {
      super(
          405,
          "method_not_allowed",
          request.path() + " takes " + allowed + ", not " + request.method());
      this.allowed = allowed;
    }
  }
}
