package dev.pushwire.core.internal;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.ServerSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an upgrade request becomes a WebSocket connection, for every connection of a
 * server: the request must be valid (RFC 6455 section 4.2.1), come from an allowed origin, be
 * accepted by the application's handshake listener (which may choose the subprotocol), and find
 * room under {@code maxConnections} and {@code maxConnectionsPerIp}. A refused request is answered
 * here, counted by reason in the server's stats, and its connection closed after the answer.
 */
final class UpgradeAdmission {
  private static final Logger log = LoggerFactory.getLogger(UpgradeAdmission.class);

  /** An admitted upgrade: the request holds a connection slot from now on. */
  record Admitted(String subprotocol) {}

  private final ServerSettings settings;
  private final OriginPolicy origins;
  private final AddressQuota perAddress;
  private final ConnectionTable connections;
  private final ServerCounters counters;
  private final ServerEvents events;

  UpgradeAdmission(
      ServerSettings settings,
      ConnectionTable connections,
      ServerCounters counters,
      ServerEvents events) {
    this.settings = settings;
    this.origins = new OriginPolicy(settings.allowedOrigins());
    this.perAddress = new AddressQuota(settings.maxConnectionsPerIp());
    this.connections = connections;
    this.counters = counters;
    this.events = events;
  }

  /** Whether {@code path} is one of {@link ServerSettings#paths()} ({@code /x/*}: under /x). */
  boolean isWebSocketPath(String path) {
    for (String p : settings.paths()) {
      if (p.equals(path)) {
        return true;
      }
      if (p.endsWith("/*")) {
        String prefix = p.substring(0, p.length() - 1);
        if (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Admits the upgrade request {@code req} to {@code uri}, a WebSocket path; null if it was refused
   * (and answered).
   */
  Admitted admit(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
    HttpHeaders h = req.headers();
    if (!HttpMethod.GET.equals(req.method())) {
      return refuse(ctx, req, 400, "bad_request", "A WebSocket upgrade must use GET");
    }
    if (req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
      return refuse(ctx, req, 400, "bad_request", "A WebSocket upgrade needs HTTP/1.1");
    }
    if (!h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return refuse(ctx, req, 400, "bad_request", "Missing 'Connection: Upgrade'");
    }
    String version = h.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (version == null) {
      return refuse(ctx, req, 400, "bad_request", "Missing Sec-WebSocket-Version");
    }
    if (!version.trim().equals("13")) {
      counters.handshakeRefused("version");
      FullHttpResponse res =
          HttpResponseWriter.text(426, "Unsupported WebSocket version; this server speaks 13\n");
      res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
      res.headers().set(HttpHeaderNames.UPGRADE, "websocket");
      HttpResponseWriter.finish(ctx, req, res);
      return null;
    }
    if (!isValidKey(h.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
      return refuse(ctx, req, 400, "bad_request", "Missing or malformed Sec-WebSocket-Key");
    }
    String origin = h.get(HttpHeaderNames.ORIGIN);
    if (origin != null && !origins.allows(origin)) {
      return refuse(ctx, req, 403, "origin", "Origin not allowed: " + origin);
    }

    List<String> offered = offeredSubprotocols(h);
    String selected = selectSubprotocol(offered, settings.subprotocols());
    Map<String, List<String>> headers = HttpMaps.headers(h);
    HandshakeRequest hr =
        new HandshakeRequest(
            (InetSocketAddress) ctx.channel().remoteAddress(),
            uri.path(),
            HttpMaps.query(uri),
            headers,
            offered,
            selected);
    HandshakeDecision decision;
    try {
      decision = events.handshakeRequested(hr);
    } catch (Exception e) {
      log.warn("handshake listener failed on {}", req.uri(), e);
      return refuse(ctx, req, 500, "error", "Internal Server Error");
    }
    if (!decision.accepted()) {
      counters.handshakeRefused("application");
      log.info(
          "refused WebSocket handshake from {} to {}: {} {}",
          ctx.channel().remoteAddress(),
          uri.path(),
          decision.status(),
          decision.body());
      HttpResponseWriter.finish(
          ctx, req, HttpResponseWriter.text(decision.status(), decision.body()));
      return null;
    }
    if (decision.subprotocol() != null) {
      String chosen = decision.subprotocol();
      if (!chosen.isEmpty() && !offered.contains(chosen)) {
        log.warn("handshake listener chose subprotocol '{}' that the client did not offer", chosen);
        return refuse(ctx, req, 500, "error", "Internal Server Error");
      }
      selected = chosen.isEmpty() ? null : chosen;
    }
    if (!connections.reserveSlot()) {
      return refuse(ctx, req, 503, "max_connections", "Too many connections; try again later");
    }
    if (!reserveAddress(ctx.channel())) {
      connections.releaseSlot();
      return refuse(
          ctx,
          req,
          429,
          "max_connections_per_ip",
          "Too many connections from your address; try again later");
    }
    return new Admitted(selected);
  }

  /**
   * Reserves room for one more connection from {@code ch}'s remote address; false when {@link
   * ServerSettings#maxConnectionsPerIp()} are already open from it. The reservation ends when the
   * channel closes, however it closes.
   */
  private boolean reserveAddress(Channel ch) {
    if (!perAddress.enabled() || !(ch.remoteAddress() instanceof InetSocketAddress)) {
      return true;
    }
    InetAddress address = ((InetSocketAddress) ch.remoteAddress()).getAddress();
    if (address == null || !perAddress.tryAcquire(address)) {
      return address == null;
    }
    ch.closeFuture().addListener(f -> perAddress.release(address));
    return true;
  }

  /** Answers {@code req} with {@code status} and closes; counts the refusal as {@code reason}. */
  Admitted refuse(
      ChannelHandlerContext ctx, FullHttpRequest req, int status, String reason, String text) {
    counters.handshakeRefused(reason);
    log.info(
        "refused WebSocket handshake from {} to {}: {} {}",
        ctx.channel().remoteAddress(),
        req.uri(),
        status,
        text);
    HttpResponseWriter.finish(ctx, req, HttpResponseWriter.text(status, text + "\n"));
    return null;
  }

  private static boolean isValidKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> offeredSubprotocols(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (String value : h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
      for (String p : value.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The client's first preference among the subprotocols the server speaks. */
  private static String selectSubprotocol(List<String> offered, List<String> supported) {
    for (String p : offered) {
      if (supported.contains(p)) {
        return p;
      }
    }
    return null;
  }
}
