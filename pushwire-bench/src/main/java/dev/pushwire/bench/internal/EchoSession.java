package dev.pushwire.bench.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One echo connection: keeps {@code pipeline} messages in flight, timing each from write to echo.
 * Echoes come back in order on one connection, so the send times are a ring. A message whose length
 * is not the run's message size (a greeting such as {@code Hey. 7}) is counted and ignored. Writes
 * the next message as each echo arrives and flushes once per read batch.
 */
final class EchoSession extends ChannelInboundHandlerAdapter {
  private final EchoRun run;
  private final long[] sentAt;
  private int head;
  private int tail;
  private int outstanding;
  private int nextFrame;
  private ChannelHandlerContext ctx;

  EchoSession(EchoRun run, int pipeline, int firstFrame) {
    this.run = run;
    this.sentAt = new long[pipeline];
    // Connections start at different variants, so that they do not all send the same bytes.
    this.nextFrame = firstFrame % run.frames.length;
  }

  /** The server's {@code Sec-WebSocket-Extensions} answer, once open. */
  java.util.Optional<String> extensions() {
    ChannelHandlerContext c = ctx;
    return c == null
        ? java.util.Optional.empty()
        : java.util.Optional.ofNullable(c.channel().attr(ClientHandshakeHandler.EXTENSIONS).get());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == WebSocketOpened.INSTANCE) {
      this.ctx = ctx;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Starts sending; call once the run begins. */
  void start() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    c.executor()
        .execute(
            () -> {
              if (!c.channel().isActive()) {
                return;
              }
              for (int i = 0; i < sentAt.length; i++) {
                send(c);
              }
              c.flush();
            });
  }

  private void send(ChannelHandlerContext c) {
    sentAt[tail] = System.nanoTime();
    tail = tail + 1 == sentAt.length ? 0 : tail + 1;
    outstanding++;
    run.sent.increment();
    c.write(run.frames[nextFrame].wire(), c.voidPromise());
    nextFrame = nextFrame + 1 == run.frames.length ? 0 : nextFrame + 1;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    int length = frame.content().readableBytes();
    frame.release();
    if (outstanding == 0 || length != run.messageLength) {
      run.other.increment();
      return;
    }
    long rtt = System.nanoTime() - sentAt[head];
    head = head + 1 == sentAt.length ? 0 : head + 1;
    outstanding--;
    run.latency.record(rtt);
    run.echoes.increment();
    if (!run.stopping) {
      send(ctx);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }
}
