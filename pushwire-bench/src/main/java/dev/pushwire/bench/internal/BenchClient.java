package dev.pushwire.bench.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event loops of a run and the way they open WebSocket connections: native epoll where
 * available, {@code TCP_NODELAY}, the local address from {@link SourceAddresses}, and a pipeline of
 * HTTP codec (for the upgrade only), {@link ClientHandshakeHandler}, fragment joining, {@link
 * ControlFrameHandler} and the run's session handler. No compression is offered unless the client
 * is made {@link #BenchClient(int, SourceAddresses, Duration, boolean) with deflate}: then every
 * connection offers permessage-deflate and fails unless the server accepts it.
 */
public final class BenchClient implements AutoCloseable {
  /** The largest message accepted from a server. */
  public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  private static final int MAX_UPGRADE_RESPONSE = 64 * 1024;

  /**
   * The permessage-deflate offer: the plain extension, which every server accepts, with the promise
   * that the client compresses each message alone. Nothing is asked of the server's window or
   * context, so each server compresses as it is set to, and one inflater per connection reads it.
   */
  public static final String DEFLATE_OFFER = "permessage-deflate; client_no_context_takeover";

  /** Native epoll where the platform has it (as the server picks), NIO elsewhere. */
  private final boolean epoll = Epoll.isAvailable();

  private final EventLoopGroup group;
  private final SourceAddresses sources;
  private final long timeoutMillis;
  private final Bootstrap bootstrap;
  private final boolean deflate;
  private final LongAdder messages = new LongAdder();
  private final LongAdder compressedMessages = new LongAdder();

  /**
   * A client with {@code threads} event loops (0: one per processor), binding to {@code sources},
   * giving up on a connection that is not open within {@code timeout} (TCP connect plus upgrade).
   */
  public BenchClient(int threads, SourceAddresses sources, Duration timeout) {
    this(threads, sources, timeout, false);
  }

  /**
   * As {@link #BenchClient(int, SourceAddresses, Duration)}; with {@code deflate}, each upgrade
   * offers {@value #DEFLATE_OFFER} (the generator compresses each message on its own, see {@link
   * PrebuiltFrame#deflated}), a connection whose server does not accept it fails with {@link
   * DeflateRefusedException}, and compressed messages from the server are inflated ({@link
   * MessageInflater}) before the session sees them.
   */
  public BenchClient(int threads, SourceAddresses sources, Duration timeout, boolean deflate) {
    this.deflate = deflate;
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
            new DefaultThreadFactory("bench", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.sources = sources;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    if (epoll && !sources.isEmpty()) {
      // Let connect() pick the port, so each source address serves the whole ephemeral range per
      // destination instead of one bind()-time port space shared by all destinations.
      b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
    this.bootstrap = b;
  }

  /** The transport in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return epoll ? "epoll" : "nio";
  }

  /** The socket channel class of the transport in use. */
  public Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Whether connections offer, and require, permessage-deflate. */
  public boolean deflate() {
    return deflate;
  }

  /**
   * Messages received so far on deflate connections, and how many of them came compressed (RSV1): a
   * server may accept the extension and still send plain frames.
   */
  public long[] receivedMessagesAndCompressed() {
    return new long[] {messages.sum(), compressedMessages.sum()};
  }

  /** The event loops. */
  public EventLoopGroup group() {
    return group;
  }

  /** The number of event loops. */
  public int threads() {
    int n = 0;
    for (var ignored : group) {
      n++;
    }
    return n;
  }

  /**
   * Opens a WebSocket connection to {@code target}, sending {@code headers} with the upgrade, with
   * {@code session} last in its pipeline. The promise completes with the channel once the handshake
   * is done; {@code connections} accounts for the way it ends.
   */
  public Promise<Channel> open(
      Target target, HttpHeaders headers, ChannelHandler session, Connections connections) {
    return open(target, null, headers, session, connections);
  }

  /**
   * Opens a WebSocket connection as {@link #open(Target, HttpHeaders, ChannelHandler, Connections)}
   * does, offering {@code subprotocol} (null: none); the handshake fails unless the server selects
   * it.
   */
  public Promise<Channel> open(
      Target target,
      String subprotocol,
      HttpHeaders headers,
      ChannelHandler session,
      Connections connections) {
    EventLoop loop = group.next();
    Promise<Channel> done = loop.newPromise();
    HttpHeaders upgradeHeaders = headers;
    if (deflate) {
      upgradeHeaders = headers.copy().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, DEFLATE_OFFER);
    }
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            target.uri(),
            WebSocketVersion.V13,
            subprotocol,
            deflate, // extensions: the frame decoder then accepts RSV1 (compressed) frames
            upgradeHeaders,
            MAX_MESSAGE_SIZE,
            true,
            false,
            -1,
            false,
            false);
    ChannelHandler init =
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("http", new HttpClientCodec());
            p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE));
            p.addLast(
                "handshake", new ClientHandshakeHandler(handshaker, done, timeoutMillis, deflate));
            p.addLast("frames", new WebSocketFrameAggregator(MAX_MESSAGE_SIZE));
            if (deflate) {
              p.addLast(
                  "inflate", new MessageInflater(MAX_MESSAGE_SIZE, messages, compressedMessages));
            }
            p.addLast("control", new ControlFrameHandler(connections));
            p.addLast("session", session);
          }
        };
    Bootstrap b = bootstrap.clone(loop).handler(init);
    InetSocketAddress local = sources.next();
    ChannelFuture f =
        local == null ? b.connect(target.address()) : b.connect(target.address(), local);
    f.addListener(
        c -> {
          if (!c.isSuccess()) {
            done.tryFailure(c.cause());
          }
        });
    return done;
  }

  /** Stops the event loops, closing whatever is still open. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
