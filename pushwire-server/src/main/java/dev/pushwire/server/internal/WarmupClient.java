package dev.pushwire.server.internal;

import dev.pushwire.core.internal.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens WebSocket connections to a server on this machine, one after the other with a few in
 * flight, so that the JIT compiler compiles the server's handshake path before real clients come.
 * Each connection upgrades, subscribes (raw through its URL's channel, or with a {@code
 * pushwire.v1} subscribe command), sends one message and closes with 1000.
 *
 * <p>It writes fixed bytes and reads the answer's status line only: no HTTP codec and no WebSocket
 * client handlers, so the profiles of the server's shared classes (Netty's HTTP decoder, the frame
 * codecs) see only the server's use of them, as they will under real traffic. It uses the server's
 * transport for the same reason: a client socket is then of the class the server's accepted sockets
 * are. Every fourth connection offers permessage-deflate and every fourth speaks {@code
 * pushwire.v1}, so that those branches are compiled too; the rest are plain subscribers, the common
 * case of a reconnecting herd.
 */
public final class WarmupClient {
  /** The channel warm-up connections subscribe to. */
  public static final String CHANNEL = "pushwire-warmup";

  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] SWITCHING = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);

  /**
   * What a warm-up did.
   *
   * @param opened connections the server upgraded
   * @param failed connections that did not upgrade (refused, reset or not answered in time)
   * @param firstFailure what went wrong first, or {@code null}
   */
  public record Result(int opened, int failed, String firstFailure) {}

  private final Transport transport;
  private volatile boolean cancelled;
  private volatile Run current;
  private final String host;
  private final int port;
  private final byte[][] requests;

  /**
   * A client of the server at {@code host:port}, subscribing at {@code path} (a subscriber path of
   * the server); {@code v1} is the subprotocol of the server's JSON protocol, offered by every
   * fourth.
   */
  public WarmupClient(Transport transport, String host, int port, String path, String v1) {
    this.transport = transport;
    this.host = host;
    this.port = port;
    String target = path + (path.contains("?") ? "&" : "?") + "channel=" + CHANNEL;
    this.requests =
        new byte[][] {
          request(target, ""),
          request(
              target, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"),
          request(path, "Sec-WebSocket-Protocol: " + v1 + "\r\n"),
          request(target, "")
        };
  }

  private byte[] request(String target, String extraHeaders) {
    return ("GET "
            + target
            + " HTTP/1.1\r\n"
            + "Host: "
            + host
            + ":"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "User-Agent: pushwire-warmup\r\n"
            + extraHeaders
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Makes {@code connections} connections, at most {@code concurrency} at a time, and returns when
   * all are closed or {@code deadline} has passed (then those still open are cut).
   */
  public Result run(int connections, int concurrency, Duration deadline)
      throws InterruptedException {
    EventLoopGroup group = transport.newGroup(1, "pushwire-warmup", true);
    Run run = new Run(connections);
    current = run;
    if (cancelled) {
      run.cancel();
    }
    try {
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(transport.clientChannel())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
      for (int i = 0; i < Math.min(concurrency, connections); i++) {
        run.next(bootstrap);
      }
      if (!run.done.await(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
        run.fail("not done within " + deadline.toMillis() + " ms");
      }
      return new Result(run.opened.get(), connections - run.opened.get(), run.firstFailure.get());
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
    }
  }

  /**
   * Ends the warm-up early (the node was asked to stop while it warmed up): no further connection
   * is started, and {@link #run} returns at once, cutting those still open. From any thread.
   */
  public void cancel() {
    cancelled = true;
    Run run = current;
    if (run != null) {
      run.cancel();
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean cancelled() {
    return cancelled;
  }

  /** One warm-up's progress: the next connection to make, and what the finished ones did. */
  private final class Run {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    final CountDownLatch done;
    final int total;

    Run(int total) {
      this.total = total;
      this.done = new CountDownLatch(total);
    }

    void fail(String why) {
      firstFailure.compareAndSet(null, why);
    }

    void cancel() {
      started.set(total); // nothing more is started
      while (done.getCount() > 0) {
        done.countDown();
      }
    }

    /** Starts the next connection, if any is left; when it ends, the one after. */
    void next(Bootstrap bootstrap) {
      int n = started.getAndIncrement();
      if (n >= total) {
        return;
      }
      Conversation conversation = new Conversation(requests[n % requests.length], n % 4 == 2);
      ChannelFuture connect = bootstrap.clone().handler(conversation).connect(host, port);
      connect.addListener(
          f -> {
            if (!f.isSuccess()) {
              fail("connect: " + f.cause());
              finished(bootstrap, false);
            } else {
              connect
                  .channel()
                  .closeFuture()
                  .addListener(c -> finished(bootstrap, conversation.upgraded));
            }
          });
    }

    private void finished(Bootstrap bootstrap, boolean upgraded) {
      if (upgraded) {
        opened.incrementAndGet();
      }
      done.countDown();
      next(bootstrap);
    }

    /** One connection: request, status line, then a message and a close frame. */
    private final class Conversation extends ChannelInboundHandlerAdapter {
      private final byte[] request;
      private final boolean v1;
      private ByteBuf head;
      volatile boolean upgraded;

      Conversation(byte[] request, boolean v1) {
        this.request = request;
        this.v1 = v1;
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (upgraded) {
          in.release(); // the server's replies and its close frame
          return;
        }
        if (head == null) {
          head = ctx.alloc().heapBuffer(256);
        }
        head.writeBytes(in);
        in.release();
        if (indexOf(head, HEADER_END) < 0) {
          return;
        }
        if (indexOf(head, SWITCHING) != 0) {
          int eol = indexOf(head, new byte[] {'\r', '\n'});
          fail(head.toString(0, Math.max(eol, 0), StandardCharsets.US_ASCII));
          ctx.close();
          return;
        }
        upgraded = true;
        Channel ch = ctx.channel();
        String text =
            v1 ? "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"" + CHANNEL + "\"}" : "warm-up";
        ch.write(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
        ch.writeAndFlush(frame(0x88, new byte[] {0x03, (byte) 0xE8})); // close, 1000
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        if (head != null) {
          head.release();
          head = null;
        }
        if (!upgraded) {
          fail("closed before the upgrade");
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause.toString());
        ctx.close();
      }
    }
  }

  /**
   * A final client frame of {@code opcode} (FIN set) with {@code payload} under 126 bytes, masked
   * with a zero key: servers require a mask, and a zero one leaves the payload as it is.
   */
  private static ByteBuf frame(int opcode, byte[] payload) {
    ByteBuf f = Unpooled.buffer(6 + payload.length);
    f.writeByte(opcode);
    f.writeByte(0x80 | payload.length);
    f.writeInt(0);
    f.writeBytes(payload);
    return f;
  }

  private static int indexOf(ByteBuf buf, byte[] needle) {
    int end = buf.writerIndex() - needle.length;
    outer:
    for (int i = buf.readerIndex(); i <= end; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i - buf.readerIndex();
    }
    return -1;
  }
}
