package dev.pushwire.bench.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the client side of the opening handshake (RFC 6455 section 4.1) with Netty's {@link
 * WebSocketClientHandshaker}: sends the upgrade request when the channel becomes active, checks the
 * response, lets the handshaker swap the HTTP codec for the frame codec, removes itself, fires
 * {@link WebSocketOpened} and completes the promise with the channel. Fails the promise (and closes
 * the channel) on a refused upgrade, a timeout, or a connection closed first, and, when
 * permessage-deflate is required, on an upgrade response that does not accept it. Keeps the
 * response's {@code Sec-WebSocket-Extensions} in the channel's {@link #EXTENSIONS} attribute.
 */
final class ClientHandshakeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
  /** The server's {@code Sec-WebSocket-Extensions} answer, {@code ""} when it sent none. */
  static final AttributeKey<String> EXTENSIONS = AttributeKey.valueOf("bench.extensions");

  private final WebSocketClientHandshaker handshaker;
  private final Promise<Channel> done;
  private final long timeoutMillis;
  private final boolean requireDeflate;
  private ScheduledFuture<?> timeout;

  ClientHandshakeHandler(
      WebSocketClientHandshaker handshaker,
      Promise<Channel> done,
      long timeoutMillis,
      boolean requireDeflate) {
    this.handshaker = handshaker;
    this.done = done;
    this.timeoutMillis = timeoutMillis;
    this.requireDeflate = requireDeflate;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () ->
                    fail(
                        ctx,
                        new HandshakeTimeoutException(
                            "no upgrade response within " + timeoutMillis + " ms")),
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    handshaker
        .handshake(ctx.channel())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(ctx, f.cause());
              }
            });
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (done.isDone()) {
      return;
    }
    try {
      handshaker.finishHandshake(ctx.channel(), response);
    } catch (RuntimeException e) {
      fail(ctx, e);
      return;
    }
    String extensions = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, "");
    if (requireDeflate
        && !extensions.toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate")) {
      // A deflate figure must never be a measurement of plain frames.
      fail(ctx, new DeflateRefusedException());
      return;
    }
    ctx.channel().attr(EXTENSIONS).set(extensions);
    cancelTimeout();
    ctx.pipeline().remove(this);
    ctx.fireUserEventTriggered(WebSocketOpened.INSTANCE);
    done.trySuccess(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, new ClosedChannelException());
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    cancelTimeout();
    if (done.tryFailure(cause)) {
      ctx.close();
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }
}
