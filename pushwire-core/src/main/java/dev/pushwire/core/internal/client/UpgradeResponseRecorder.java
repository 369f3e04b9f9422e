package dev.pushwire.core.internal.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Remembers the {@code Sec-WebSocket-Extensions} header of the server's upgrade response, passes
 * the response on to the handshake handlers and leaves the pipeline. Netty's handshaker does not
 * keep the header, and the extension handler consumes it without telling what it agreed to.
 */
final class UpgradeResponseRecorder extends ChannelInboundHandlerAdapter {
  private String extensions = "";

  /** The negotiated extensions, or an empty string; valid once the handshake is complete. */
  String extensions() {
    return extensions;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpResponse)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String value = ((HttpResponse) msg).headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
    if (value != null) {
      extensions = value;
    }
    ctx.fireChannelRead(msg);
    ctx.pipeline().remove(this);
  }
}
