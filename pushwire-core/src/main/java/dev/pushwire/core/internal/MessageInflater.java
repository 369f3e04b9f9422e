package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving side of permessage-deflate (RFC 7692 section 7.2.2) plus the reserved-bit rules of
 * RFC 6455 section 5.2 for a connection that negotiated it.
 *
 * <p>It replaces Netty's per-frame decoder for two reasons: the message size limit must hold for
 * the whole inflated message, checked while inflating so that a small frame that would inflate to
 * gigabytes costs at most the limit (close 1009); and the compressed bytes may be split anywhere
 * across fragments, including fragments that inflate to nothing. Corrupt data closes with 1007,
 * RSV1 on a control or continuation frame and RSV2/RSV3 anywhere with 1002.
 */
final class MessageInflater extends ChannelInboundHandlerAdapter {
  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
  private static final int RSV1 = 0x4;
  private static final int CHUNK = 16 * 1024;

  private final int maxMessageSize;
  private final boolean clientNoContext;

  /** Created on the first compressed message: zlib state costs tens of KiB of native memory. */
  private Inflater inflater;

  private boolean inCompressedMessage;
  private long inflatedSoFar;

  MessageInflater(int maxMessageSize, boolean clientNoContext) {
    this.maxMessageSize = maxMessageSize;
    this.clientNoContext = clientNoContext;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof WebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    WebSocketFrame frame = (WebSocketFrame) msg;
    int rsv = frame.rsv();
    boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
    boolean continuation = frame instanceof ContinuationWebSocketFrame;
    if ((rsv & ~RSV1) != 0 || (rsv != 0 && !data)) {
      frame.release();
      throw new ProtocolViolationException(
          CloseCodes.PROTOCOL_ERROR,
          continuation ? "RSV1 set on a continuation frame" : "reserved bits set: " + rsv);
    }
    if (data) {
      inCompressedMessage = rsv == RSV1;
      inflatedSoFar = 0;
      if (!inCompressedMessage) {
        ctx.fireChannelRead(frame);
        return;
      }
    } else if (continuation) {
      if (!inCompressedMessage) {
        ctx.fireChannelRead(frame);
        return;
      }
    } else {
      ctx.fireChannelRead(frame); // control frames are never compressed
      return;
    }
    ByteBuf out;
    try {
      out = inflate(ctx, frame.content(), frame.isFinalFragment());
    } finally {
      frame.release();
    }
    WebSocketFrame plain;
    if (frame instanceof TextWebSocketFrame) {
      plain = new TextWebSocketFrame(frame.isFinalFragment(), 0, out);
    } else if (frame instanceof BinaryWebSocketFrame) {
      plain = new BinaryWebSocketFrame(frame.isFinalFragment(), 0, out);
    } else {
      plain = new ContinuationWebSocketFrame(frame.isFinalFragment(), 0, out);
    }
    if (frame.isFinalFragment()) {
      inCompressedMessage = false;
      if (clientNoContext && inflater != null) {
        inflater.reset();
      }
    }
    ctx.fireChannelRead(plain);
  }

  private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf content, boolean last)
      throws ProtocolViolationException {
    byte[] in = new byte[content.readableBytes() + (last ? TAIL.length : 0)];
    content.getBytes(content.readerIndex(), in, 0, content.readableBytes());
    if (last) {
      System.arraycopy(TAIL, 0, in, content.readableBytes(), TAIL.length);
    }
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    inflater.setInput(in);
    CompositeByteBuf out = ctx.alloc().compositeBuffer();
    try {
      byte[] chunk = new byte[CHUNK];
      while (true) {
        int n;
        try {
          n = inflater.inflate(chunk);
        } catch (DataFormatException e) {
          throw new ProtocolViolationException(
              CloseCodes.INVALID_PAYLOAD, "invalid compressed data");
        }
        if (n > 0) {
          inflatedSoFar += n;
          if (inflatedSoFar > maxMessageSize) {
            // Stop here: never inflate more than the limit of a message nobody will accept.
            throw new ProtocolViolationException(
                CloseCodes.MESSAGE_TOO_BIG, "message too big after inflating");
          }
          out.addComponent(true, ctx.alloc().heapBuffer(n).writeBytes(chunk, 0, n));
        }
        if (inflater.finished()) {
          // A final deflate block inside a message ends the stream (RFC 7692 7.2.3.3).
          inflater.reset();
          break;
        }
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (inflater != null) {
      inflater.end();
    }
  }
}
