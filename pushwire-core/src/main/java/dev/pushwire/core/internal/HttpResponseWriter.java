package dev.pushwire.core.internal;

import dev.pushwire.core.HttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the HTTP answers of the router and of the upgrade admission: the application's {@link
 * HttpResponse}s, and the server's own plain-text refusals. HTTP/1.1 keeps the connection unless
 * asked to close; HTTP/1.0 closes unless asked to keep it.
 */
final class HttpResponseWriter {
  private HttpResponseWriter() {}

  /** A plain-text response of the server's own. */
  static FullHttpResponse text(int status, String text) {
    ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return res;
  }

  /** Writes the application's answer to {@code req}; the connection stays if {@code req} allows. */
  static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponse r) {
    send(ctx, req, r, true);
  }

  /**
   * Like {@link #send(ChannelHandlerContext, FullHttpRequest, HttpResponse)}, but a kept-alive
   * answer is only written, not flushed, when {@code flush} is false: the caller flushes once for
   * several answers. An answer that closes the connection is always flushed.
   */
  static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponse r, boolean flush) {
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
    write(ctx, req, res, false, flush);
  }

  /** Writes a refusal of an upgrade or a bad request: the connection closes after it. */
  static void finish(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    HttpUtil.setContentLength(res, res.content().readableBytes());
    write(ctx, req, res, true, true);
  }

  private static void write(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      FullHttpResponse res,
      boolean close,
      boolean flush) {
    boolean keepAlive = !close && HttpUtil.isKeepAlive(req);
    if (keepAlive) {
      if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      if (flush) {
        ctx.writeAndFlush(res);
      } else {
        ctx.write(res, ctx.voidPromise());
      }
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
