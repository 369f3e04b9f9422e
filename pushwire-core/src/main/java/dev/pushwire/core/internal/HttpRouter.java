package dev.pushwire.core.internal;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a connection while it speaks HTTP: validates WebSocket upgrade requests (RFC 6455 section
 * 4.2.1) and hands valid ones to the handshake, answers plain requests through the {@link
 * RequestListener} in order (HTTP/1.1 keep-alive, HTTP/1.0 close), and drops connections that do
 * not complete a request within the handshake timeout (slowloris).
 */
final class HttpRouter extends ChannelInboundHandlerAdapter implements FanOutSource.Owner {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
  private static final int MAX_PIPELINED = 16;

  /**
   * How long a connection whose body was refused as too large stays open after the 413, reading and
   * dropping what the client still sends: closing at once would reset the connection under a client
   * that is still sending, which may lose the answer before it reads it.
   */
  private static final long TOO_LARGE_LINGER_MILLIS = 2000;

  private final NettyWebSocketServer server;
  private final ServerSettings settings;
  private final DeflateNegotiator deflate;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private boolean inFlight;
  private boolean upgrading;
  // Set once a request was answered: a later timeout closes an idle kept-alive connection, which
  // is no refused handshake and is not counted as one.
  private boolean answeredOne;
  private boolean refusedTooLarge;
  private ScheduledFuture<?> timeout;
  private ChannelHandlerContext ctx;
  private FanOutSource source;

  /**
   * What arrived after the upgrade request and before the connection handler took over: the bytes
   * the HTTP decoder had read past the request, in order. Handed on by {@link #takeEarlyInput()}.
   */
  private List<Object> early;

  HttpRouter(NettyWebSocketServer server, DeflateNegotiator deflate) {
    this.server = server;
    this.settings = server.settings();
    this.deflate = deflate;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public FanOutSource fanOutSource() {
    if (source == null) {
      // Requests wait while what earlier ones published is still on its way to slow readers.
      source = new FanOutSource(ctx.channel(), () -> resume(ctx));
    }
    return source;
  }

  private boolean paused() {
    return source != null && source.isPaused();
  }

  private void resume(ChannelHandlerContext ctx) {
    if (!inFlight && !upgrading) {
      next(ctx);
    }
  }

  /** The input that arrived with or right after the upgrade request, oldest first; once. */
  List<Object> takeEarlyInput() {
    List<Object> out = early == null ? List.of() : early;
    early = null;
    return out;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    armTimeout(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimeout();
    for (FullHttpRequest r : queued) {
      r.release();
    }
    queued.clear();
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimeout();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, TLS failures and the like: the peer's problem, not worth more than a debug line.
    log.debug("{}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  private void armTimeout(ChannelHandlerContext ctx) {
    cancelTimeout();
    long nanos = settings.handshakeTimeout().toNanos();
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (ctx.channel().isActive() && !upgrading && !inFlight && !refusedTooLarge) {
                    if (answeredOne) {
                      log.debug("{}: idle kept-alive connection closed", ctx.channel());
                    } else {
                      server.counters().handshakeRefused("timeout");
                      log.debug(
                          "{}: no complete request within {}",
                          ctx.channel(),
                          settings.handshakeTimeout());
                    }
                    ctx.close();
                  }
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgrading && !(msg instanceof FullHttpRequest)) {
      // The client's first frames, read together with its upgrade request: the HTTP decoder hands
      // them on when the handshake removes it. They belong to the WebSocket connection.
      if (early == null) {
        early = new ArrayList<>(2);
      }
      early.add(msg);
      return;
    }
    if (!(msg instanceof FullHttpRequest)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    FullHttpRequest req = (FullHttpRequest) msg;
    if (upgrading || refusedTooLarge) {
      req.release();
      return;
    }
    if (inFlight || paused()) {
      if (queued.size() >= MAX_PIPELINED) {
        req.release();
        ctx.close();
        return;
      }
      queued.add(req);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    try {
      if (!req.decoderResult().isSuccess()) {
        badRequest(ctx, req);
        return;
      }
      if (!hasOneHost(req)) {
        server.counters().handshakeRefused("bad_request");
        finish(
            ctx, req, response(400, "An HTTP/1.1 request needs exactly one Host header\n"), true);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      String path = uri.path();
      boolean wsPath = server.isWebSocketPath(path);
      if (isUpgradeRequest(req.headers())) {
        if (!wsPath) {
          refuse(ctx, req, 404, "not_found", "No WebSocket endpoint at " + path);
        } else {
          upgrade(ctx, req, uri);
        }
        return;
      }
      RequestListener listener = server.requestListener();
      HttpResponse fallback = defaultResponse(req, wsPath);
      if (listener == null) {
        send(ctx, req, fallback);
        return;
      }
      inFlight = true;
      cancelTimeout();
      Exchange exchange = new Exchange(ctx, req, uri, fallback);
      // What the listener publishes paces this connection's next requests: see FanOutSource.
      server.handleRequest(
          ctx.channel(),
          this,
          () -> {
            try {
              listener.onRequest(server, exchange);
            } catch (Exception e) {
              log.warn("request listener failed on {} {}", req.method(), req.uri(), e);
              exchange.respond(HttpResponse.text(500, "Internal Server Error\n"));
            }
          });
      if (source != null) {
        source.pauseIfBusy();
      }
    } finally {
      req.release();
    }
  }

  private static HttpResponse defaultResponse(FullHttpRequest req, boolean wsPath) {
    if (wsPath && HttpMethod.GET.equals(req.method())) {
      return HttpResponse.text(426, "This is a WebSocket endpoint: send an Upgrade request.\n")
          .withHeader("Upgrade", "websocket")
          .withHeader("Sec-WebSocket-Version", "13");
    }
    return HttpResponse.text(404, "Not Found\n");
  }

  private static boolean isUpgradeRequest(HttpHeaders h) {
    String upgrade = h.get(HttpHeaderNames.UPGRADE);
    return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
  }

  /** {@code text} as a JSON string literal (core has no JSON library, and needs only this). */
  private static String jsonString(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** RFC 9112 section 3.2: one {@code Host} in HTTP/1.1, at most one before it. */
  private static boolean hasOneHost(FullHttpRequest req) {
    int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
    return hosts == 1 || (hosts == 0 && req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0);
  }

  private void badRequest(ChannelHandlerContext ctx, FullHttpRequest req) {
    Throwable cause = req.decoderResult().cause();
    if (cause instanceof TooLongHttpContentException) {
      // From BodyLimitAggregator: the body is over maxHttpBodySize. A JSON answer, as the API on
      // this port gives for its own errors, and counted apart from malformed requests.
      server.counters().handshakeRefused("too_large");
      FullHttpResponse res =
          response(
              413,
              "{\"error\":{\"code\":\"payload_too_large\",\"message\":"
                  + jsonString(cause.getMessage())
                  + "}}");
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      HttpUtil.setContentLength(res, res.content().readableBytes());
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      refusedTooLarge = true;
      cancelTimeout();
      ctx.writeAndFlush(res)
          .addListener(
              f -> {
                if (ctx.channel() instanceof DuplexChannel d
                    && ctx.pipeline().get(SslHandler.class) == null) {
                  d.shutdownOutput(); // the client sees the answer end now
                }
                ctx.executor()
                    .schedule(
                        () -> {
                          ctx.close();
                        },
                        TOO_LARGE_LINGER_MILLIS,
                        TimeUnit.MILLISECONDS);
              });
      return;
    }
    int status = 400;
    String text = "Bad Request";
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      text = "Request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      text = "Request headers too large";
    } else if (cause instanceof TooLongFrameException) {
      status = 413;
      text = "Request too large";
    }
    server.counters().handshakeRefused("bad_request");
    finish(ctx, req, response(status, text + "\n"), true);
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
    HttpHeaders h = req.headers();
    if (!HttpMethod.GET.equals(req.method())) {
      refuse(ctx, req, 400, "bad_request", "A WebSocket upgrade must use GET");
      return;
    }
    if (req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
      refuse(ctx, req, 400, "bad_request", "A WebSocket upgrade needs HTTP/1.1");
      return;
    }
    if (!h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      refuse(ctx, req, 400, "bad_request", "Missing 'Connection: Upgrade'");
      return;
    }
    String version = h.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (version == null) {
      refuse(ctx, req, 400, "bad_request", "Missing Sec-WebSocket-Version");
      return;
    }
    if (!version.trim().equals("13")) {
      server.counters().handshakeRefused("version");
      FullHttpResponse res =
          response(426, "Unsupported WebSocket version; this server speaks 13\n");
      res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
      res.headers().set(HttpHeaderNames.UPGRADE, "websocket");
      finish(ctx, req, res, true);
      return;
    }
    if (!isValidKey(h.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
      refuse(ctx, req, 400, "bad_request", "Missing or malformed Sec-WebSocket-Key");
      return;
    }
    String origin = h.get(HttpHeaderNames.ORIGIN);
    if (origin != null && !server.originAllowed(origin)) {
      refuse(ctx, req, 403, "origin", "Origin not allowed: " + origin);
      return;
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
      decision = server.decideHandshake(hr);
    } catch (Exception e) {
      log.warn("handshake listener failed on {}", req.uri(), e);
      refuse(ctx, req, 500, "error", "Internal Server Error");
      return;
    }
    if (!decision.accepted()) {
      server.counters().handshakeRefused("application");
      log.info(
          "refused WebSocket handshake from {} to {}: {} {}",
          ctx.channel().remoteAddress(),
          uri.path(),
          decision.status(),
          decision.body());
      finish(ctx, req, response(decision.status(), decision.body()), true);
      return;
    }
    if (decision.subprotocol() != null) {
      String chosen = decision.subprotocol();
      if (!chosen.isEmpty() && !offered.contains(chosen)) {
        log.warn("handshake listener chose subprotocol '{}' that the client did not offer", chosen);
        refuse(ctx, req, 500, "error", "Internal Server Error");
        return;
      }
      selected = chosen.isEmpty() ? null : chosen;
    }
    if (!server.reserveSlot()) {
      refuse(ctx, req, 503, "max_connections", "Too many connections; try again later");
      return;
    }
    if (!server.reserveAddress(ctx.channel())) {
      server.releaseSlot();
      refuse(
          ctx,
          req,
          429,
          "max_connections_per_ip",
          "Too many connections from your address; try again later");
      return;
    }
    upgrading = true;
    cancelTimeout();
    server.completeHandshake(ctx, req, selected, deflate);
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
  static String selectSubprotocol(List<String> offered, List<String> supported) {
    for (String p : offered) {
      if (supported.contains(p)) {
        return p;
      }
    }
    return null;
  }

  private void refuse(
      ChannelHandlerContext ctx, FullHttpRequest req, int status, String reason, String text) {
    server.counters().handshakeRefused(reason);
    log.info(
        "refused WebSocket handshake from {} to {}: {} {}",
        ctx.channel().remoteAddress(),
        req.uri(),
        status,
        text);
    finish(ctx, req, response(status, text + "\n"), true);
  }

  private static FullHttpResponse response(int status, String text) {
    ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return res;
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponse r) {
    ByteBuf body = Unpooled.wrappedBuffer(r.body());
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), body);
    for (Map.Entry<String, String> e : r.headers()) {
      res.headers().add(e.getKey(), e.getValue());
    }
    HttpUtil.setContentLength(res, body.readableBytes());
    if (HttpMethod.HEAD.equals(req.method())) {
      res.content().clear();
    }
    writeResponse(ctx, req, res, false);
  }

  /** Writes a refusal of an upgrade or a bad request: the connection closes after it. */
  private void finish(
      ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res, boolean close) {
    HttpUtil.setContentLength(res, res.content().readableBytes());
    writeResponse(ctx, req, res, close);
  }

  /** HTTP/1.1 keeps the connection unless asked to close; HTTP/1.0 closes unless asked to keep. */
  private void writeResponse(
      ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res, boolean close) {
    boolean keepAlive = !close && HttpUtil.isKeepAlive(req);
    if (keepAlive) {
      if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Called on the event loop once the current exchange has been answered. */
  private void next(ChannelHandlerContext ctx) {
    inFlight = false;
    answeredOne = true;
    if (!ctx.channel().isActive() || paused()) {
      return; // resume() calls again when what this connection published has been delivered
    }
    FullHttpRequest req = queued.poll();
    if (req != null) {
      handle(ctx, req);
    } else {
      ctx.channel().config().setAutoRead(true);
      armTimeout(ctx);
    }
  }

  /** One plain request; answered once, from any thread. */
  private final class Exchange implements HttpExchange {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest nettyRequest;
    private final HttpRequest request;
    private final HttpResponse fallback;
    private final AtomicBoolean answered = new AtomicBoolean();

    Exchange(
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        QueryStringDecoder uri,
        HttpResponse fallback) {
      this.ctx = ctx;
      // Keep only what the response needs of the Netty request: it is released after dispatch.
      this.nettyRequest =
          new io.netty.handler.codec.http.DefaultFullHttpRequest(
              req.protocolVersion(),
              req.method(),
              req.uri(),
              Unpooled.EMPTY_BUFFER,
              req.headers(),
              req.trailingHeaders());
      byte[] body = new byte[req.content().readableBytes()];
      req.content().getBytes(req.content().readerIndex(), body);
      this.request =
          new HttpRequest(
              req.method().name(),
              req.uri(),
              uri.path(),
              HttpMaps.query(uri),
              HttpMaps.headers(req.headers()),
              body,
              (InetSocketAddress) ctx.channel().remoteAddress());
      this.fallback = fallback;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public HttpResponse defaultResponse() {
      return fallback;
    }

    @Override
    public boolean respond(HttpResponse response) {
      if (!answered.compareAndSet(false, true)) {
        return false;
      }
      if (ctx.executor().inEventLoop()) {
        deliver(response);
      } else {
        ctx.executor().execute(() -> deliver(response));
      }
      return true;
    }

    private void deliver(HttpResponse response) {
      if (ctx.channel().isActive()) {
        send(ctx, nettyRequest, response);
      }
      next(ctx);
    }
  }
}
