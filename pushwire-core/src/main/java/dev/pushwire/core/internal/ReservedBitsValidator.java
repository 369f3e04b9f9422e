package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses frames with reserved bits still set after the extension decoders ran (RFC 6455 section
 * 5.2: "MUST be 0 unless an extension is negotiated that defines meanings"). The frame decoder is
 * built to let reserved bits through because permessage-deflate uses RSV1; the deflate decoder
 * clears RSV1 from the frames it inflates, so anything left here is a violation: close 1002.
 */
final class ReservedBitsValidator extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof WebSocketFrame && ((WebSocketFrame) msg).rsv() != 0) {
      int rsv = ((WebSocketFrame) msg).rsv();
      ReferenceCountUtil.release(msg);
      throw new ProtocolViolationException(
          CloseCodes.PROTOCOL_ERROR, "reserved bits set without an extension: " + rsv);
    }
    ctx.fireChannelRead(msg);
  }
}
