package dev.pushwire.bench.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.net.InetSocketAddress;

/**
 * A WebSocket echo server on plain Netty 4.2, deliberately untuned: the pipeline and handler of
 * Netty's own WebSocket server example, default event loop threads (twice the cores), the default
 * allocator, a flush per message. Whatever Pushwire does per message must cost less than this.
 */
public final class FloorEchoServer implements AutoCloseable {
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel channel;

  private FloorEchoServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.bossGroup = boss;
    this.workerGroup = workers;
    this.channel = channel;
  }

  /** Starts listening on {@code host:port} (0: any free port); {@code epoll} for native epoll. */
  public static FloorEchoServer start(String host, int port, boolean epoll)
      throws InterruptedException {
    return start(host, port, epoll, false);
  }

  /**
   * As {@link #start(String, int, boolean)}; with {@code deflate}, permessage-deflate is accepted
   * as Netty's example does it, with {@link WebSocketServerCompressionHandler} and its defaults.
   */
  public static FloorEchoServer start(String host, int port, boolean epoll, boolean deflate)
      throws InterruptedException {
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    try {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ChannelPipeline p = ch.pipeline();
                      p.addLast(new HttpServerCodec());
                      p.addLast(new HttpObjectAggregator(65536));
                      if (deflate) {
                        p.addLast(new WebSocketServerCompressionHandler(16 * 1024 * 1024));
                      }
                      // Any path (the generator may add a query), frames up to 16 MiB.
                      p.addLast(
                          new WebSocketServerProtocolHandler(
                              "/", null, true, 16 * 1024 * 1024, false, true));
                      p.addLast(new EchoHandler());
                    }
                  });
      ChannelFuture bound = b.bind(new InetSocketAddress(host, port)).sync();
      return new FloorEchoServer(boss, workers, bound.channel());
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Completes when the listening socket is closed. */
  public ChannelFuture closeFuture() {
    return channel.closeFuture();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    bossGroup.shutdownGracefully().awaitUninterruptibly();
    workerGroup.shutdownGracefully().awaitUninterruptibly();
  }

  /** The example's frame handler: a new text frame per text frame, written and flushed at once. */
  private static final class EchoHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        ctx.channel().writeAndFlush(new TextWebSocketFrame(text.text()));
      } else if (frame instanceof BinaryWebSocketFrame) {
        ctx.channel().writeAndFlush(frame.retain());
      }
    }
  }
}
