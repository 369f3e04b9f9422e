package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the whole messages of a permessage-deflate connection (RFC 7692 section 7.2.2): a text
 * or binary frame with RSV1 set is its compressed data without the trailing {@code 00 00 ff ff}.
 *
 * <p>One {@link Inflater} per connection, kept from message to message: that reads a server that
 * keeps its deflate context (back-references into earlier messages) and one that does not (a fresh
 * compressor's blocks are as valid after earlier output), without Netty's decoder, which starts a
 * new inflater in an embedded channel for each message of a {@code server_no_context_takeover}
 * server, a cost in the generator that would weigh on the server it shares the cores with.
 *
 * <p>Sits after fragment joining, so it sees whole messages, and counts them, and the compressed
 * ones, in the client's counters.
 */
final class MessageInflater extends ChannelInboundHandlerAdapter {
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  private final int maxMessageSize;
  private final LongAdder messages;
  private final LongAdder compressed;
  private Inflater inflater;
  private byte[] input = new byte[0];

  MessageInflater(int maxMessageSize, LongAdder messages, LongAdder compressed) {
    this.maxMessageSize = maxMessageSize;
    this.messages = messages;
    this.compressed = compressed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TextWebSocketFrame) && !(msg instanceof BinaryWebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    WebSocketFrame frame = (WebSocketFrame) msg;
    messages.increment();
    if ((frame.rsv() & 0x4) == 0) {
      ctx.fireChannelRead(msg);
      return;
    }
    compressed.increment();
    ByteBuf out;
    try {
      out = inflate(ctx, frame.content());
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(
        frame instanceof TextWebSocketFrame
            ? new TextWebSocketFrame(true, 0, out)
            : new BinaryWebSocketFrame(true, 0, out));
  }

  private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf content) {
    int n = content.readableBytes();
    if (input.length < n + TAIL.length) {
      input = new byte[n + TAIL.length];
    }
    content.getBytes(content.readerIndex(), input, 0, n);
    System.arraycopy(TAIL, 0, input, n, TAIL.length);
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    inflater.setInput(input, 0, n + TAIL.length);
    ByteBuf out = ctx.alloc().heapBuffer(Math.max(256, n * 4));
    try {
      while (true) {
        if (!out.isWritable()) {
          if (out.readableBytes() >= maxMessageSize) {
            throw new CorruptedFrameException("inflated message over " + maxMessageSize + " bytes");
          }
          out.ensureWritable(out.capacity());
        }
        int w =
            inflater.inflate(
                out.array(), out.arrayOffset() + out.writerIndex(), out.writableBytes());
        out.writerIndex(out.writerIndex() + w);
        if (inflater.finished()) {
          // A final block (BFINAL) ends the stream: the next message starts a new one.
          inflater.reset();
          return out;
        }
        if (w == 0 && inflater.needsInput()) {
          return out;
        }
      }
    } catch (DataFormatException e) {
      out.release();
      throw new CorruptedFrameException("bad permessage-deflate data: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }
}
