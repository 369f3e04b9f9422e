package dev.pushwire.core.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Drops invalid permessage-deflate offers from an upgrade request before Netty's extension handler
 * parses them (see {@link DeflateNegotiator#withoutInvalidOffers}); the handshake itself goes on.
 */
final class ExtensionOfferFilter extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      HttpRequest req = (HttpRequest) msg;
      String offers = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
      if (offers != null) {
        String valid = DeflateNegotiator.withoutInvalidOffers(offers);
        if (valid == null) {
          req.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        } else if (!valid.equals(offers)) {
          req.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, valid);
        }
      }
    }
    ctx.fireChannelRead(msg);
  }
}
