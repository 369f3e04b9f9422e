package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One fan-out subscriber: reads the sequence number and send time from each message ({@link
 * Payload}), records the publish-to-receive latency of first copies, and tracks which sequence
 * numbers arrived ({@link SequenceTracker}). Messages that are not payloads are counted as other.
 */
final class SubscriberSession extends ChannelInboundHandlerAdapter {
  private final FanoutStats stats;
  final SequenceTracker tracker = new SequenceTracker();

  SubscriberSession(FanoutStats stats) {
    this.stats = stats;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      ByteBuf c = frame.content();
      if (!Payload.isPayload(c)) {
        stats.other.increment();
        return;
      }
      long now = System.nanoTime();
      long seq = Payload.sequence(c);
      if (tracker.record(seq)) {
        stats.delivered(seq, now - Payload.sentNanos(c));
      } else {
        stats.duplicates.increment();
      }
    } finally {
      frame.release();
    }
  }
}
