package dev.pushwire.bench.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Handles the control frames of an open connection so that sessions see only data frames: answers a
 * ping with a pong carrying the same data, drops pongs, and answers a close frame with a close
 * frame before closing the channel (RFC 6455 sections 5.5 and 7). A close that the run did not ask
 * for, by close frame or by the connection simply ending, is counted in {@link
 * Connections#unexpectedCloses()}.
 */
final class ControlFrameHandler extends ChannelInboundHandlerAdapter {
  private final Connections connections;
  private boolean open;
  private boolean counted;

  ControlFrameHandler(Connections connections) {
    this.connections = connections;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == WebSocketOpened.INSTANCE) {
      open = true;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (msg instanceof PongWebSocketFrame) {
      ReferenceCountUtil.release(msg);
    } else if (msg instanceof CloseWebSocketFrame close) {
      int code = close.statusCode();
      String reason = close.reasonText();
      close.release();
      if (!connections.closing()) {
        unexpected("closed by server: " + (code < 0 ? "no code" : code) + reasonSuffix(reason));
      }
      ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, null))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private static String reasonSuffix(String reason) {
    return reason == null || reason.isEmpty() ? "" : " " + reason;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (open && !connections.closing()) {
      unexpected("connection lost without a close frame");
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (open && !connections.closing()) {
      unexpected(Failures.reason(cause));
    }
    ctx.close();
  }

  private void unexpected(String reason) {
    if (!counted) {
      counted = true;
      connections.unexpectedCloses().add(reason);
    }
  }
}
