package dev.pushwire.core.internal.client;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The last handler of one client connection. It turns the handshake events into open or failure
 * reports ({@link ClientEvents}), passes whole text and binary messages on as {@link Message},
 * matches pongs to pending pings, runs the closing handshake (answering the server's close frame,
 * or sending ours and waiting for the answer up to the close timeout) and, when the channel goes
 * inactive, reports a {@link CloseEvent} for an opened connection or the failure of an attempt that
 * never opened.
 *
 * <p>All state is touched on the channel's event loop, except {@link #isWritable()}, which other
 * threads read before sending.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {
  /** The start of Netty's message when inflating would pass {@code maxAllocation}. */
  private static final String INFLATE_LIMIT_MESSAGE = "Decompression buffer has reached maximum";

  private final ClientEvents events;
  private final UpgradeResponseRecorder upgradeResponse;
  private final Duration handshakeTimeout;
  private final long closeTimeoutNanos;
  private final int maxMessageSize;
  private final ArrayDeque<PendingPing> pings = new ArrayDeque<>();

  private ChannelHandlerContext ctx;
  private boolean open;
  private String subprotocol;
  private String extensions = "";
  private Throwable failure;

  private volatile boolean closing;
  private boolean closeSent;
  private int sentCode = CloseCodes.ABNORMAL;
  private String sentReason = "";
  private boolean closeReceived;
  private int receivedCode = CloseCodes.ABNORMAL;
  private String receivedReason = "";
  private boolean closedByClient;
  private ScheduledFuture<?> closeTimer;

  ClientConnectionHandler(
      ClientEvents events, UpgradeResponseRecorder upgradeResponse, ClientSettings settings) {
    this.events = events;
    this.upgradeResponse = upgradeResponse;
    this.handshakeTimeout = settings.handshakeTimeout();
    this.closeTimeoutNanos = settings.closeTimeout().toNanos();
    this.maxMessageSize = settings.maxMessageSize();
  }

  Channel channel() {
    return ctx.channel();
  }

  /** Whether messages may be sent: open, and neither side has started to close. */
  boolean isWritable() {
    return open && !closing;
  }

  String subprotocol() {
    return subprotocol;
  }

  String extensions() {
    return extensions;
  }

  /** Sends a text message; from any thread, once {@link #isWritable()}. */
  CompletionStage<Void> sendText(String text) {
    Channel ch = ctx.channel();
    return write(ch, new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), text)));
  }

  /** Sends a binary message; from any thread, once {@link #isWritable()}. */
  CompletionStage<Void> sendBinary(byte[] data) {
    Channel ch = ctx.channel();
    return write(ch, new BinaryWebSocketFrame(ch.alloc().buffer(data.length).writeBytes(data)));
  }

  private static CompletionStage<Void> write(Channel ch, WebSocketFrame frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ch.writeAndFlush(frame)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                done.complete(null);
              } else {
                done.completeExceptionally(f.cause());
              }
            });
    return done;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      encodeTheDecodersCloseFrames(ctx.pipeline());
      open = true;
      String chosen =
          ctx.pipeline().get(WebSocketClientProtocolHandler.class).handshaker().actualSubprotocol();
      subprotocol = chosen == null || chosen.isEmpty() ? null : chosen;
      extensions = upgradeResponse.extensions();
      events.opened(this);
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      recordFailure(
          new TimeoutException(
              "no WebSocket handshake response within " + handshakeTimeout.toMillis() + " ms"));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
        onData((WebSocketFrame) msg);
      } else if (msg instanceof PongWebSocketFrame) {
        onPong(((PongWebSocketFrame) msg).content());
      } else if (msg instanceof CloseWebSocketFrame) {
        onClose((CloseWebSocketFrame) msg);
      }
      // Pings are answered by Netty's protocol handler and fragments joined before this handler,
      // so no other frame type arrives here.
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onData(WebSocketFrame frame) {
    ByteBuf content = frame.content();
    if (content.readableBytes() > maxMessageSize) {
      // A single-frame message is not checked by the frame aggregator, only its inflated size by
      // the deflate decoder's allocation limit; this keeps the limit exact either way.
      events.errorOccurred(
          new TooLongFrameException(
              "message of " + content.readableBytes() + " bytes, limit " + maxMessageSize));
      closeForError(CloseCodes.MESSAGE_TOO_BIG, "message too big");
      return;
    }
    events.messageReceived(
        new Message(0, frame instanceof BinaryWebSocketFrame, ByteBufUtil.getBytes(content)));
  }

  private void onPong(ByteBuf content) {
    byte[] payload = ByteBufUtil.getBytes(content);
    int answered = 0;
    int index = 0;
    for (PendingPing p : pings) {
      index++;
      if (Arrays.equals(p.payload, payload)) {
        answered = index;
        break;
      }
    }
    // RFC 6455 5.5.3: a server may answer only the latest of several pings, so a pong also
    // answers every ping sent before the one it matches. A pong that matches none is unsolicited.
    for (int i = 0; i < answered; i++) {
      pings.poll().done.complete(null);
    }
  }

  private void onClose(CloseWebSocketFrame frame) {
    if (closeReceived) {
      return;
    }
    closeReceived = true;
    closing = true;
    int code = frame.statusCode();
    receivedCode = code == -1 ? CloseCodes.NO_STATUS : code;
    receivedReason = frame.reasonText();
    if (!closeSent) {
      closeSent = true;
      CloseWebSocketFrame answer =
          code == -1
              ? new CloseWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER)
              : new CloseWebSocketFrame(code, "");
      ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
    // RFC 6455 7.1.1: the server closes TCP first, so that it, not the client, keeps TIME_WAIT;
    // the timer ends the wait for servers that do not.
    armCloseTimer();
  }

  /**
   * Starts the closing handshake with {@code code} and {@code reason} because this client wants to
   * close. Does nothing once a close frame was sent.
   */
  void closeByClient(int code, String reason) {
    if (closeSent) {
      return;
    }
    closedByClient = true;
    if (!ctx.channel().isActive()) {
      return;
    }
    closing = true;
    closeSent = true;
    sentCode = code;
    sentReason = reason;
    ctx.writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    armCloseTimer();
  }

  /** Drops the connection without a closing handshake, as this client's decision. */
  void abort() {
    closedByClient = true;
    closing = true;
    ctx.close();
  }

  /** Sends a ping; {@code done} completes with the matching pong. Runs on the event loop. */
  void ping(byte[] payload, CompletableFuture<Void> done) {
    if (!isWritable()) {
      done.completeExceptionally(new IllegalStateException("not open"));
      return;
    }
    PendingPing pending = new PendingPing(payload, done);
    pings.add(pending);
    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)))
        .addListener(
            f -> {
              if (!f.isSuccess() && pings.remove(pending)) {
                done.completeExceptionally(f.cause());
              }
            });
  }

  private void closeForError(int code, String reason) {
    closeByClient(code, reason);
    if (!closeSent) {
      ctx.close();
    }
  }

  private void armCloseTimer() {
    if (closeTimer == null) {
      closeTimer =
          ctx.executor().schedule(this::closeTimedOut, closeTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void closeTimedOut() {
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable error = unwrap(cause);
    if (!open) {
      String refusal = upgradeResponse.refusal();
      recordFailure(
          refusal != null && error instanceof WebSocketHandshakeException
              ? new IOException("the server refused the WebSocket upgrade: " + refusal, error)
              : error);
      closedByClient = true;
      ctx.close();
      return;
    }
    events.errorOccurred(error);
    if (cause instanceof CorruptedWebSocketFrameException) {
      // Netty's frame decoder or UTF-8 validator has already sent the close frame and is closing.
      WebSocketCloseStatus status = ((CorruptedWebSocketFrameException) cause).closeStatus();
      closedByClient = true;
      closing = true;
      if (!closeSent) {
        closeSent = true;
        sentCode = status != null ? status.code() : CloseCodes.PROTOCOL_ERROR;
        sentReason = cause.getMessage() != null ? cause.getMessage() : "";
      }
      armCloseTimer();
    } else if (cause instanceof TooLongFrameException) {
      closeForError(CloseCodes.MESSAGE_TOO_BIG, "message too big");
    } else if (cause instanceof DecompressionException) {
      boolean tooBig =
          cause.getMessage() != null && cause.getMessage().startsWith(INFLATE_LIMIT_MESSAGE);
      closeForError(
          tooBig ? CloseCodes.MESSAGE_TOO_BIG : CloseCodes.INVALID_PAYLOAD,
          tooBig ? "message too big" : "bad compressed data");
    } else if (error instanceof IOException) {
      // The link itself failed (reset, TLS alert): nothing can be sent any more.
      ctx.close();
    } else {
      closeForError(CloseCodes.INTERNAL_ERROR, "internal error");
    }
  }

  /**
   * Netty's client handshaker puts the frame decoder in front of the frame encoder (nearer the
   * socket), so the close frame the decoder sends on a protocol violation (one frame over the
   * message limit, a masked frame) would reach the socket unencoded and be lost: the server would
   * see 1006 instead of 1009 or 1002. A client encoder in front of the decoder encodes it.
   */
  private static void encodeTheDecodersCloseFrames(ChannelPipeline p) {
    ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
    ChannelHandlerContext encoder = p.context(WebSocketFrameEncoder.class);
    if (decoder == null || encoder == null) {
      return;
    }
    p.addBefore(decoder.name(), encoder.name() + "-first", new WebSocket13FrameEncoder(true));
    p.remove(encoder.handler());
  }

  private static Throwable unwrap(Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      return cause.getCause();
    }
    return cause;
  }

  private void recordFailure(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    ClosedChannelException closed = new ClosedChannelException();
    for (PendingPing p; (p = pings.poll()) != null; ) {
      p.done.completeExceptionally(closed);
    }
    if (open) {
      // Without the server's close frame the code is the one this client sent, as on the server
      // side; RFC 6455 would say 1006, which hides why the client gave up (1009, 1007...).
      CloseEvent event =
          closeReceived
              ? new CloseEvent(0, receivedCode, receivedReason, !closedByClient)
              : new CloseEvent(0, sentCode, sentReason, !closedByClient);
      events.closed(this, event);
    } else {
      events.attemptFailed(
          ctx.channel(),
          failure != null
              ? failure
              : new IOException("connection closed before the WebSocket handshake completed"));
    }
    ctx.fireChannelInactive();
  }

  private static final class PendingPing {
    final byte[] payload;
    final CompletableFuture<Void> done;

    PendingPing(byte[] payload, CompletableFuture<Void> done) {
      this.payload = payload;
      this.done = done;
    }
  }
}
