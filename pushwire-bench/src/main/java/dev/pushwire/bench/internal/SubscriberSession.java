package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One fan-out subscriber: reads the sequence number and send time from each message ({@link
 * Payload}), records the publish-to-receive latency of first copies, and tracks which sequence
 * numbers arrived ({@link SequenceTracker}). Messages that are not payloads are counted as other.
 *
 * <p>With {@code socketIo}, the subscriber speaks Socket.IO 4 (Engine.IO 4 over WebSocket) as its
 * client library does: it answers the open packet ({@code 0{...}}) by connecting to the main
 * namespace ({@code 40}) and each ping ({@code 2}) with a pong ({@code 3}), and reads the payload
 * from events, {@code 42["event","PAYLOAD"]}. With a {@link V1Reader}, it speaks {@code
 * pushwire.v1}: subscribes once open and reads the payload from each push.
 */
final class SubscriberSession extends ChannelInboundHandlerAdapter {
  private final FanoutStats stats;
  private final boolean socketIo;
  private final V1Reader v1;
  final SequenceTracker tracker = new SequenceTracker();

  SubscriberSession(FanoutStats stats, boolean socketIo) {
    this(stats, socketIo, null);
  }

  /** A subscriber; {@code v1} (or null) makes it a {@code pushwire.v1} client. */
  SubscriberSession(FanoutStats stats, boolean socketIo, V1Reader v1) {
    this.stats = stats;
    this.socketIo = socketIo;
    this.v1 = v1;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == WebSocketOpened.INSTANCE && v1 != null) {
      v1.opened(ctx);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      ByteBuf c = frame.content();
      if (socketIo) {
        c = socketIoPayload(ctx, c);
        if (c == null) {
          return;
        }
      } else if (v1 != null) {
        c = v1.payload(ctx, c);
        if (c == null) {
          return;
        }
      }
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

  /**
   * The payload of a Socket.IO event, as a slice of {@code c}; null for a packet that was answered
   * or needs no answer; {@code c} itself for anything else, which is then counted as other.
   */
  private static ByteBuf socketIoPayload(ChannelHandlerContext ctx, ByteBuf c) {
    int at = c.readerIndex();
    int length = c.readableBytes();
    if (length == 0) {
      return c;
    }
    byte type = c.getByte(at);
    if (type == '0') {
      ctx.writeAndFlush(new TextWebSocketFrame("40"));
      return null;
    }
    if (type == '2' && length == 1) {
      ctx.writeAndFlush(new TextWebSocketFrame("3"));
      return null;
    }
    if (type != '4' || length < 2) {
      return c;
    }
    byte packet = c.getByte(at + 1);
    if (packet == '0') {
      return null; // the namespace's connect answer
    }
    if (packet != '2' || length < 3 || c.getByte(at + 2) != '[') {
      return c;
    }
    // 42["event","PAYLOAD"]: the payload starts after the first ," (event names have no comma).
    int comma = c.indexOf(at + 3, at + length, (byte) ',');
    if (comma < 0 || comma + 1 >= at + length || c.getByte(comma + 1) != '"') {
      return c;
    }
    int start = comma + 2;
    return c.slice(start, at + length - start);
  }
}
