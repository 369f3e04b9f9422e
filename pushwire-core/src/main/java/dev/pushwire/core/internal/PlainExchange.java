package dev.pushwire.core.internal;

import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One plain HTTP request handed to the application; answered once, from any thread, on the
 * connection's loop. The {@link HttpRouter} passes the next request of the connection on only after
 * the answer ({@link HttpRouter#answered}); an answer given while the router is still handling what
 * one read brought is flushed with the others at the end of that read.
 */
final class PlainExchange implements HttpExchange {
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest nettyRequest;
  private final HttpRequest request;
  private final HttpResponse fallback;
  private final HttpRouter router;
  private final AtomicBoolean answered = new AtomicBoolean();

  PlainExchange(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      QueryStringDecoder uri,
      HttpResponse fallback,
      HttpRouter router) {
    this.ctx = ctx;
    // Keep only what the response needs of the Netty request: it is released after dispatch.
    this.nettyRequest =
        new DefaultFullHttpRequest(
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
    this.router = router;
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
      HttpResponseWriter.send(ctx, nettyRequest, response, !router.flushLater());
    }
    router.answered(ctx);
  }
}
