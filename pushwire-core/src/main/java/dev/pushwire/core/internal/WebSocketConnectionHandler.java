package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upgraded connection. It takes frames as decoded (and inflated), checks
 * what Netty's frame decoder does not (reserved bits, UTF-8 of text), joins fragments into whole
 * messages within the size limit, answers pings, runs the close handshake, turns codec errors into
 * the right close code, and fires {@link ServerEvents#messageReceived}, {@link
 * ServerEvents#writabilityChanged} and {@link ServerEvents#closed}. It passes nothing on: it is the
 * last handler.
 *
 * <p>These steps are one handler rather than Netty's validator and aggregator in a row because
 * every handler in a pipeline costs each idle connection a context object: at tens of thousands of
 * connections the pipeline is a large part of the memory per connection.
 */
final class WebSocketConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketConnectionHandler.class);

  /** The longest close reason that fits a close frame: 125 bytes of payload less the code. */
  static final int MAX_CLOSE_REASON_BYTES = 123;

  private final ServerEvents events;
  private final ServerCounters counters;
  private final int maxMessageSize;
  private final Connection conn;

  /** No extension is negotiated, so any reserved bit is a violation. */
  private final boolean refuseReservedBits;

  private final Utf8Checker utf8 = new Utf8Checker();

  /** Whether the message being received (fragmented or not) is text. */
  private boolean messageIsText;

  /** The fragments received so far of a fragmented message; null between messages. */
  private byte[] partial;

  private int partialLength;

  WebSocketConnectionHandler(
      PipelineResources resources, Connection conn, boolean refuseReservedBits) {
    this.events = resources.events();
    this.counters = resources.counters();
    this.maxMessageSize = resources.settings().maxMessageSize();
    this.conn = conn;
    this.refuseReservedBits = refuseReservedBits;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    conn.lastReadNanos = System.nanoTime();
    if (!(msg instanceof WebSocketFrame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    WebSocketFrame frame = (WebSocketFrame) msg;
    try {
      if (refuseReservedBits && frame.rsv() != 0) {
        // RFC 6455 section 5.2: reserved bits "MUST be 0 unless an extension is negotiated". The
        // frame decoder lets them through because permessage-deflate uses RSV1.
        throw new ProtocolViolationException(
            CloseCodes.PROTOCOL_ERROR, "reserved bits set without an extension: " + frame.rsv());
      }
      if (frame instanceof TextWebSocketFrame
          || frame instanceof BinaryWebSocketFrame
          || frame instanceof ContinuationWebSocketFrame) {
        if (!conn.closeSent) { // RFC 6455 5.5.1: data after our close frame is discarded
          onData(frame);
        }
      } else if (frame instanceof PingWebSocketFrame) {
        if (!conn.closeSent) {
          ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        }
      } else if (frame instanceof CloseWebSocketFrame) {
        onCloseFrame(ctx, (CloseWebSocketFrame) frame);
      }
      // Pongs only refresh lastReadNanos.
    } finally {
      frame.release();
    }
  }

  /**
   * One data frame. Netty's decoder has already refused continuations outside a message and new
   * messages inside one, so a frame that is not a continuation always starts a message.
   */
  private void onData(WebSocketFrame frame) {
    if (!(frame instanceof ContinuationWebSocketFrame)) {
      messageIsText = frame instanceof TextWebSocketFrame;
      partialLength = 0;
      if (messageIsText) {
        utf8.reset();
      }
    }
    ByteBuf content = frame.content();
    int from = content.readerIndex();
    int length = content.readableBytes();
    int limit = maxMessageSize;
    if (length > limit - partialLength) {
      throw new ProtocolViolationException(CloseCodes.MESSAGE_TOO_BIG, "message too big");
    }
    if (messageIsText && !utf8.accept(content, from, from + length)) {
      throw new ProtocolViolationException(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in text");
    }
    if (!frame.isFinalFragment()) {
      append(content, from, length, limit);
      return;
    }
    if (messageIsText && !utf8.complete()) {
      throw new ProtocolViolationException(
          CloseCodes.INVALID_PAYLOAD, "text ends inside a character");
    }
    byte[] data;
    if (partialLength == 0) {
      data = new byte[length];
      content.getBytes(from, data);
    } else {
      data = Arrays.copyOf(partial, partialLength + length);
      content.getBytes(from, data, partialLength, length);
      partial = null; // an idle connection holds no buffer
      partialLength = 0;
    }
    events.messageReceived(conn, !messageIsText, data);
  }

  private void append(ByteBuf content, int from, int length, int limit) {
    int needed = partialLength + length;
    if (partial == null || partial.length < needed) {
      int size = partial == null ? Math.max(needed, 256) : Math.max(needed, partial.length * 2);
      partial = Arrays.copyOf(partial == null ? new byte[0] : partial, Math.min(size, limit));
    }
    content.getBytes(from, partial, partialLength, length);
    partialLength = needed;
  }

  private void onCloseFrame(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
    if (conn.closeSent) {
      // The peer answered our close: the handshake is complete, the server closes TCP first.
      ctx.close();
      return;
    }
    ByteBuf body = frame.content();
    boolean hasCode = body.readableBytes() >= 2;
    int code = hasCode ? body.getUnsignedShort(body.readerIndex()) : CloseCodes.NO_STATUS;
    if (hasCode && !CloseCodes.isValidOnWire(code)) {
      throw new ProtocolViolationException(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
    }
    String reason = body.readableBytes() > 2 ? frame.reasonText() : "";
    conn.recordClose(code, reason, false);
    // Answer after what is already queued for this connection (a reply to a message that came
    // just before the close, say): pushes go through the loop's queue too.
    ctx.executor().execute(() -> replyToClose(ctx, code));
  }

  private void replyToClose(ChannelHandlerContext ctx, int code) {
    if (conn.closeSent) {
      ctx.close(); // the server started its own close meanwhile
      return;
    }
    conn.closeSent = true;
    CloseWebSocketFrame reply =
        code == CloseCodes.NO_STATUS
            ? new CloseWebSocketFrame()
            : new CloseWebSocketFrame(code, "");
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    events.writabilityChanged(conn);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    partial = null;
    events.closed(conn);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause;
    while (root instanceof CodecException
        && root.getCause() != null
        && !(root instanceof CorruptedWebSocketFrameException)
        && !(root instanceof TooLongFrameException)
        && !(root instanceof DecompressionException)) {
      root = root.getCause();
    }
    if (root instanceof CorruptedWebSocketFrameException) {
      // The frame decoder is set not to answer violations itself: the close frame goes after the
      // replies to the messages that came before the bad frame, with the reason in our words where
      // Netty's would be unclear.
      CorruptedWebSocketFrameException e = (CorruptedWebSocketFrameException) root;
      int code = e.closeStatus() == null ? CloseCodes.PROTOCOL_ERROR : e.closeStatus().code();
      closeAfterQueued(
          ctx,
          code,
          code == CloseCodes.MESSAGE_TOO_BIG ? "message too big" : reasonOf(e.getMessage()));
      log.debug("connection {} closed with {}: {}", conn.id, code, e.getMessage());
    } else if (root instanceof ProtocolViolationException) {
      ProtocolViolationException e = (ProtocolViolationException) root;
      closeAfterQueued(ctx, e.code(), reasonOf(e.getMessage()));
      log.debug("connection {} closed with {}: {}", conn.id, e.code(), e.getMessage());
    } else if (root instanceof TooLongFrameException) {
      closeAfterQueued(ctx, CloseCodes.MESSAGE_TOO_BIG, "message too big");
    } else if (root instanceof DecompressionException) {
      String m = String.valueOf(root.getMessage());
      if (m.contains("maximum size")) {
        closeAfterQueued(ctx, CloseCodes.MESSAGE_TOO_BIG, "message too big");
      } else {
        closeAfterQueued(ctx, CloseCodes.INVALID_PAYLOAD, "invalid compressed data");
      }
    } else if (root instanceof IOException || root.getCause() instanceof IOException) {
      log.debug("connection {}: {}", conn.id, root.toString());
      ctx.close();
    } else {
      log.warn("connection {}: unexpected error, closing with 1011", conn.id, cause);
      closeWith(ctx, CloseCodes.INTERNAL_ERROR, "internal error");
    }
  }

  /**
   * {@code message} as a close reason: cut to {@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8, at a
   * character boundary, since a longer one would not fit the close frame.
   */
  static String reasonOf(String message) {
    if (message == null) {
      return "";
    }
    int bytes = 0;
    int end = 0;
    while (end < message.length()) {
      int cp = message.codePointAt(end);
      // A lone surrogate is encoded as one byte ('?'); counting 3 only cuts a little early.
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > MAX_CLOSE_REASON_BYTES) {
        return message.substring(0, end);
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return message;
  }

  /**
   * Stops reading frames at once, and closes with {@code code} after what is already queued for the
   * connection: the replies to the valid messages that arrived before the violation go first.
   */
  private void closeAfterQueued(ChannelHandlerContext ctx, int code, String reason) {
    conn.recordClose(code, reason, true);
    discardInput(ctx.pipeline());
    ctx.executor().execute(() -> closeWith(ctx, code, reason));
  }

  private static void discardInput(ChannelPipeline p) {
    if (p.get("wsdecoder") != null) {
      p.replace("wsdecoder", "discard", new InboundDiscarder());
    }
  }

  /** Sends a close frame (once) and closes TCP when it is flushed. */
  private void closeWith(ChannelHandlerContext ctx, int code, String reason) {
    counters.protocolClose(code);
    conn.recordClose(code, reason, true);
    if (!ctx.channel().isActive()) {
      return;
    }
    if (conn.closeSent) {
      return; // already closing: what the peer still sends is discarded below
    }
    conn.closeSent = true;
    // Stop decoding: the rest of what the peer sends is read and dropped, so that closing the
    // socket with unread input does not turn into a TCP reset that destroys our close frame
    // before the peer has read it.
    discardInput(ctx.pipeline());
    ctx.channel()
        .writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess() && f.channel() instanceof DuplexChannel) {
                    ((DuplexChannel) f.channel()).shutdownOutput();
                  } else {
                    f.channel().close();
                  }
                });
    // The peer closes when it has read our close frame; a peer that does not is cut off.
    ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
  }

  /** Reads and drops whatever arrives after the server's close frame. */
  private static final class InboundDiscarder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
