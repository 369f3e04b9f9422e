package dev.pushwire.core.internal;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a connection while it speaks HTTP: has upgrade requests to a WebSocket path checked by
 * the {@link UpgradeAdmission} and passes the admitted one on to the {@link
 * WebSocketUpgradeHandler}, with whatever the client sends after it; answers plain requests through
 * {@link ServerEvents#requestReceived} in order (HTTP/1.1 keep-alive, HTTP/1.0 close), and drops
 * connections that do not complete a request within the handshake timeout (slowloris).
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

  private final ServerSettings settings;
  private final UpgradeAdmission admission;
  private final ServerCounters counters;
  private final ServerEvents events;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private boolean inFlight;
  private boolean upgrading;
  // Set once a request was answered: a later timeout closes an idle kept-alive connection, which
  // is no refused handshake and is not counted as one.
  private boolean answeredOne;
  private boolean refusedTooLarge;
  // Between the first channelRead of a read and its channelReadComplete: answers given meanwhile
  // (pipelined requests answered at once) are written and flushed together at the end of the read,
  // one write to the socket instead of one per answer.
  private boolean reading;
  private boolean flushPending;
  private ScheduledFuture<?> timeout;
  private ChannelHandlerContext ctx;
  private FanOutSource source;

  HttpRouter(PipelineResources resources) {
    this.settings = resources.settings();
    this.admission = resources.admission();
    this.counters = resources.counters();
    this.events = resources.events();
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

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    armTimeout(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** Whether an answer written now may wait for the flush at the end of the current read. */
  boolean flushLater() {
    if (reading && ctx.channel().isActive()) {
      flushPending = true;
      return true;
    }
    return false;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (flushPending) {
      flushPending = false;
      ctx.flush(); // answers written before the upgrade took the connection over
    }
    cancelTimeout();
    for (FullHttpRequest r : queued) {
      r.release();
    }
    queued.clear();
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
                      counters.handshakeRefused("timeout");
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
    reading = true;
    if (upgrading && !(msg instanceof FullHttpRequest)) {
      // The client's first frames, read together with its upgrade request: the HTTP decoder hands
      // them on when the handshake removes it. They belong to the WebSocket connection.
      ctx.fireChannelRead(msg);
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
        counters.handshakeRefused("bad_request");
        HttpResponseWriter.finish(
            ctx,
            req,
            HttpResponseWriter.text(400, "An HTTP/1.1 request needs exactly one Host header\n"));
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      String path = uri.path();
      boolean wsPath = admission.isWebSocketPath(path);
      if (isUpgradeRequest(req.headers())) {
        if (!wsPath) {
          admission.refuse(ctx, req, 404, "not_found", "No WebSocket endpoint at " + path);
          return;
        }
        UpgradeAdmission.Admitted admitted = admission.admit(ctx, req, uri);
        if (admitted != null) {
          upgrading = true;
          cancelTimeout();
          ctx.fireChannelRead(
              new WebSocketUpgradeHandler.Upgrade(req.retain(), admitted.subprotocol()));
        }
        return;
      }
      HttpResponse fallback = defaultResponse(req, wsPath);
      if (!events.takesRequests()) {
        HttpResponseWriter.send(ctx, req, fallback);
        return;
      }
      inFlight = true;
      cancelTimeout();
      // What the application publishes paces this connection's next requests: see FanOutSource.
      events.requestReceived(ctx.channel(), this, new PlainExchange(ctx, req, uri, fallback, this));
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
      counters.handshakeRefused("too_large");
      FullHttpResponse res =
          HttpResponseWriter.text(
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
    counters.handshakeRefused("bad_request");
    HttpResponseWriter.finish(ctx, req, HttpResponseWriter.text(status, text + "\n"));
  }

  /** Called on the event loop once the current exchange has been answered. */
  void answered(ChannelHandlerContext ctx) {
    next(ctx);
  }

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
}
