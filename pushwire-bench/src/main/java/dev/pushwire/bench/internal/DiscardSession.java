package dev.pushwire.bench.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;

/** The session of a connection that only stays open: counts and drops what it receives. */
@Sharable
public final class DiscardSession extends ChannelInboundHandlerAdapter {
  private final LongAdder received = new LongAdder();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    received.increment();
    ReferenceCountUtil.release(msg);
  }

  /** Messages received on all connections. */
  public long received() {
    return received.sum();
  }
}
