package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeListener;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.Message;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerStats;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebSocketServer} on Netty. Wires the pipeline (TLS, HTTP codec, deflate negotiation,
 * {@link HttpRouter}; after the upgrade Netty's frame decoder and encoder, the {@link
 * MessageInflater} when deflate was negotiated, and {@link WebSocketConnectionHandler}), keeps the
 * connection table sharded by event loop, and hands outbound messages to the {@link FanOut}.
 */
public final class NettyWebSocketServer implements WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketServer.class);
  private static final Duration CLOSE_REPLY_TIMEOUT = Duration.ofSeconds(2);
  private static final ByteBuf PING_FRAME =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(2).writeByte(0x89).writeByte(0).asReadOnly());

  private final ServerSettings settings;

  /** One frame decoder configuration for every connection: it depends only on the settings. */
  private final WebSocketDecoderConfig decoderConfig;

  private final Transport transport;
  private final OriginPolicy origins;
  private final AddressQuota perAddress;
  private final ServerCounters counters = new ServerCounters();
  private final AtomicLong nextId = new AtomicLong(1);
  private final ConcurrentHashMap<Long, Connection> connections = new ConcurrentHashMap<>();

  /** Upgrades admitted and not yet closed: the maxConnections limit counts these. */
  private final AtomicInteger slots = new AtomicInteger();

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private volatile HandshakeListener handshakeListener;
  private volatile OpenListener openListener;
  private volatile MessageListener messageListener;
  private volatile CloseListener closeListener;
  private volatile RequestListener requestListener;

  private EventLoopGroup group;
  private Channel serverChannel;
  private ChannelGroup allChannels;
  private SslContext sslContext;
  private Map<EventExecutor, LoopShard> shards;
  private LoopShard[] shardArray;
  private FanOut fanOut;
  private volatile int port = -1;

  public NettyWebSocketServer(ServerSettings settings) {
    this.settings = settings;
    this.decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(settings.maxFrameSize())
            .expectMaskedFrames(true)
            .allowMaskMismatch(false)
            .allowExtensions(true)
            // WebSocketConnectionHandler sends the close frame, after what is queued, with a
            // reason in our words.
            .closeOnProtocolViolation(false)
            .withUTF8Validator(false)
            .build();
    this.transport = Transport.choose(settings.nativeTransport());
    this.origins = new OriginPolicy(settings.allowedOrigins());
    this.perAddress = new AddressQuota(settings.maxConnectionsPerIp());
  }

  // ---- listeners ----

  @Override
  public WebSocketServer onHandshake(HandshakeListener listener) {
    this.handshakeListener = listener;
    return this;
  }

  @Override
  public WebSocketServer onOpen(OpenListener listener) {
    this.openListener = listener;
    return this;
  }

  @Override
  public WebSocketServer onMessage(MessageListener listener) {
    this.messageListener = listener;
    return this;
  }

  @Override
  public WebSocketServer onClose(CloseListener listener) {
    this.closeListener = listener;
    return this;
  }

  @Override
  public WebSocketServer onRequest(RequestListener listener) {
    this.requestListener = listener;
    return this;
  }

  // ---- lifecycle ----

  @Override
  public int start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    if (settings.tls()) {
      try {
        sslContext =
            SslContextBuilder.forServer(
                    settings.tlsCertificate().toFile(), settings.tlsPrivateKey().toFile())
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
      } catch (IOException | IllegalArgumentException e) {
        throw new UncheckedIOException(
            new IOException(
                "cannot load TLS certificate "
                    + settings.tlsCertificate()
                    + " and key "
                    + settings.tlsPrivateKey()
                    + ": "
                    + e.getMessage(),
                e));
      }
    }
    group = transport.newGroup(settings.ioThreads(), "pushwire-io", false);
    allChannels = new DefaultChannelGroup("pushwire", GlobalEventExecutor.INSTANCE);
    Map<EventExecutor, LoopShard> map = new IdentityHashMap<>();
    List<LoopShard> list = new ArrayList<>();
    for (EventExecutor e : group) {
      LoopShard shard = new LoopShard((EventLoop) e);
      map.put(e, shard);
      list.add(shard);
    }
    shards = map;
    shardArray = list.toArray(new LoopShard[0]);
    fanOut = new FanOut(settings, counters, shardArray, connections);
    for (LoopShard s : shardArray) {
      startHeartbeat(s);
    }

    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(
                    settings.writeBufferLowWaterMark(), settings.writeBufferHighWaterMark()))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    initPipeline(ch);
                  }
                });
    if (settings.reusePort() && transport == Transport.EPOLL) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    try {
      serverChannel =
          b.bind(new InetSocketAddress(settings.host(), settings.port()))
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new UncheckedIOException(
          new IOException(
              "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(),
              e));
    }
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    log.info(
        "listening on {}://{}:{} ({} transport, {} I/O threads)",
        settings.tls() ? "wss" : "ws",
        settings.host(),
        port,
        transport.name().toLowerCase(java.util.Locale.ROOT),
        shardArray.length);
    return port;
  }

  private void initPipeline(SocketChannel ch) {
    allChannels.add(ch);
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      p.addLast("tls", sslContext.newHandler(ch.alloc()));
    }
    p.addLast("http", new HttpServerCodec(4096, settings.maxHeaderSize(), 8192));
    p.addLast("aggregator", new BodyLimitAggregator(settings.maxHttpBodySize()));
    DeflateNegotiator deflate = null;
    if (settings.compression()) {
      deflate =
          new DeflateNegotiator(
              settings.compressionLevel(),
              settings.compressionContextTakeover(),
              settings.compressionMinSize(),
              settings.maxMessageSize());
      p.addLast("offers", new ExtensionOfferFilter());
      p.addLast("extensions", new WebSocketServerExtensionHandler(deflate));
    }
    p.addLast("router", new HttpRouter(this, deflate));
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public ServerSettings settings() {
    return settings;
  }

  @Override
  public void stop(Duration grace) {
    if (!started.get() || !stopped.compareAndSet(false, true) || serverChannel == null) {
      return; // never started, already stopped, or start() failed and released everything
    }
    if (group.next().inEventLoop()) {
      throw new IllegalStateException("stop() must not be called from an event loop");
    }
    long deadline = System.nanoTime() + grace.toNanos();
    serverChannel.close().awaitUninterruptibly(Math.max(1, grace.toMillis()));
    for (Connection c : connections.values()) {
      c.channel
          .eventLoop()
          .execute(() -> startClose(c, CloseCodes.GOING_AWAY, "server shutting down"));
    }
    // Plain HTTP connections have nothing to finish but their current response.
    for (Channel ch : allChannels) {
      if (ch.pipeline().get(HttpRouter.class) != null) {
        ch.eventLoop().execute(() -> ch.close());
      }
    }
    while (!connections.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    allChannels.close().awaitUninterruptibly(1000);
    for (Connection c : connections.values()) {
      c.channel.close().awaitUninterruptibly(100);
    }
    long left = Math.max(0, deadline - System.nanoTime());
    group
        .shutdownGracefully(
            0, Math.max(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)
        .awaitUninterruptibly(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(left) + 1000));
    log.info("stopped");
  }

  // ---- handshake and events (called by the handlers, on event loops) ----

  ServerCounters counters() {
    return counters;
  }

  RequestListener requestListener() {
    return requestListener;
  }

  boolean originAllowed(String origin) {
    return origins.allows(origin);
  }

  boolean isWebSocketPath(String path) {
    for (String p : settings.paths()) {
      if (p.equals(path)) {
        return true;
      }
      if (p.endsWith("/*")) {
        String prefix = p.substring(0, p.length() - 1);
        if (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Reserves room for one more connection; false when maxConnections are already admitted. */
  boolean reserveSlot() {
    while (true) {
      int n = slots.get();
      if (n >= settings.maxConnections()) {
        return false;
      }
      if (slots.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void releaseSlot() {
    slots.decrementAndGet();
  }

  /**
   * Reserves room for one more connection from {@code ch}'s remote address; false when {@link
   * ServerSettings#maxConnectionsPerIp()} are already open from it. The reservation ends when the
   * channel closes, however it closes.
   */
  boolean reserveAddress(Channel ch) {
    if (!perAddress.enabled() || !(ch.remoteAddress() instanceof InetSocketAddress)) {
      return true;
    }
    java.net.InetAddress address = ((InetSocketAddress) ch.remoteAddress()).getAddress();
    if (address == null || !perAddress.tryAcquire(address)) {
      return address == null;
    }
    ch.closeFuture().addListener(f -> perAddress.release(address));
    return true;
  }

  HandshakeDecision decideHandshake(HandshakeRequest request) throws Exception {
    HandshakeListener l = handshakeListener;
    return l == null ? HandshakeDecision.accept() : l.onHandshake(request);
  }

  void completeHandshake(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      String subprotocol,
      DeflateNegotiator deflate) {
    Channel ch = ctx.channel();
    String scheme = settings.tls() ? "wss://" : "ws://";
    String host = req.headers().get("Host", "localhost");
    WebSocketServerHandshaker13 handshaker =
        new WebSocketServerHandshaker13(scheme + host + req.uri(), subprotocol, decoderConfig) {
          @Override
          protected WebSocketFrameDecoder newWebsocketDecoder() {
            return new CloseFrameCheckingDecoder(decoderConfig());
          }
        };
    String uri = req.uri();
    String headers = HttpMaps.pack(req.headers());
    // The handshaker retains nothing; the router releases req after this call returns.
    handshaker
        .handshake(ch, req)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    log.debug(
                        "handshake with {} failed: {}", ch.remoteAddress(), f.cause().toString());
                    releaseSlot(); // opened() never ran, so connectionClosed() will not release it
                    ch.close();
                    return;
                  }
                  opened(ch, uri, headers, handshaker.selectedSubprotocol(), deflate);
                });
  }

  private void opened(
      Channel ch, String uri, String headers, String subprotocol, DeflateNegotiator deflate) {
    Connection.Deflate mode = deflate == null ? Connection.Deflate.NONE : deflate.outcome();
    String extensions = mode == Connection.Deflate.NONE ? "" : deflate.responseText();
    LoopShard shard = shards.get(ch.eventLoop());
    Connection conn =
        new Connection(
            nextId.getAndIncrement(), ch, shard, mode, uri, headers, subprotocol, extensions);
    ChannelPipeline p = ch.pipeline();
    List<Object> early = p.get(HttpRouter.class).takeEarlyInput();
    p.remove(HttpRouter.class);
    if (p.get(ExtensionOfferFilter.class) != null) {
      p.remove(ExtensionOfferFilter.class);
    }
    ChannelHandlerContext inflate = p.context(WebSocketExtensionDecoder.class);
    if (inflate != null) {
      p.replace(
          inflate.name(),
          "inflate",
          new MessageInflater(settings.maxMessageSize(), deflate.clientNoContext()));
    }
    p.addLast("connection", new WebSocketConnectionHandler(this, conn, inflate == null));
    // The connection is tracked in `connections` from now on; leaving the channel group saves
    // each connection a map entry and a close listener.
    allChannels.remove(ch);
    // channelInactive may never reach the last handler if a decoder throws while closing. Run
    // later on the loop, so that the error being handled now can record its close code first.
    ch.closeFuture().addListener(f -> ch.eventLoop().execute(() -> connectionClosed(conn)));
    connections.put(conn.id, conn);
    shard.add(conn);
    fanOut.opened(conn);
    counters.connectionsOpened.increment();
    if (stopped.get()) {
      startClose(conn, CloseCodes.GOING_AWAY, "server shutting down");
      return;
    }
    log.debug("connection {} opened from {} to {}", conn.id, ch.remoteAddress(), uri);
    OpenListener l = openListener;
    if (l != null) {
      try {
        l.onOpen(this, conn.info());
      } catch (Exception e) {
        log.warn("open listener failed for connection {}", conn.id, e);
      }
    }
    replay(p, early);
  }

  /**
   * Hands the input that came with the upgrade request to the WebSocket decoder, as if it had just
   * been read: bytes enter the pipeline just before the frame decoder (after TLS, which already
   * decrypted them), frames just after it.
   */
  private static void replay(ChannelPipeline p, List<Object> early) {
    for (Object msg : early) {
      if (!p.channel().isActive()) {
        io.netty.util.ReferenceCountUtil.release(msg);
        continue;
      }
      if (msg instanceof ByteBuf) {
        ChannelHandlerContext tls = p.context("tls");
        if (tls != null) {
          tls.fireChannelRead(msg);
        } else {
          p.fireChannelRead(msg);
        }
      } else {
        p.context("wsdecoder").fireChannelRead(msg);
      }
    }
    if (!early.isEmpty() && p.channel().isActive()) {
      p.fireChannelReadComplete();
    }
  }

  void messageReceived(Connection conn, boolean binary, byte[] data) {
    counters.messagesIn.increment();
    counters.bytesIn.add(data.length);
    MessageListener l = messageListener;
    if (l == null) {
      return;
    }
    // What the listener broadcasts is paced by its receivers: see FanOutSource.
    LoopShard shard = conn.shard;
    shard.current = conn;
    try {
      l.onMessage(this, new Message(conn.id, binary, data));
    } catch (Exception e) {
      log.warn("message listener failed for connection {}", conn.id, e);
    } finally {
      shard.current = null;
    }
    FanOutSource source = conn.sourceIfAny();
    if (source != null) {
      source.pauseIfBusy();
    }
  }

  /** {@code conn}'s channel became writable or unwritable. */
  void writabilityChanged(Connection conn) {
    fanOut.writabilityChanged(conn);
  }

  /**
   * Runs a plain HTTP request's listener with {@code source} as the source of what it broadcasts;
   * on the request's loop.
   */
  void handleRequest(Channel channel, FanOutSource.Owner source, Runnable listenerCall) {
    LoopShard shard = shards.get(channel.eventLoop());
    if (shard == null) {
      listenerCall.run();
      return;
    }
    shard.current = source;
    try {
      listenerCall.run();
    } finally {
      shard.current = null;
    }
  }

  void connectionClosed(Connection conn) {
    if (!conn.open) {
      return;
    }
    conn.open = false;
    releaseSlot();
    connections.remove(conn.id, conn);
    conn.shard.remove(conn);
    fanOut.closed(conn);
    log.debug("connection {} closed: {} {}", conn.id, conn.closeCode, conn.closeReason);
    CloseListener l = closeListener;
    if (l != null) {
      try {
        l.onClose(
            this, new CloseEvent(conn.id, conn.closeCode, conn.closeReason, conn.closedByServer));
      } catch (Exception e) {
        log.warn("close listener failed for connection {}", conn.id, e);
      }
    }
  }

  /** Starts the closing handshake from the server side; runs on the connection's loop. */
  private static void startClose(Connection c, int code, String reason) {
    c.startClose(code, reason, CLOSE_REPLY_TIMEOUT.toMillis());
  }

  // ---- heartbeat: server pings and idle timeout, one timer per event loop ----

  private void startHeartbeat(LoopShard shard) {
    long ping = settings.pingInterval().toNanos();
    long idle = settings.idleTimeout().toNanos();
    if (ping == 0 && idle == 0) {
      return;
    }
    long base = ping == 0 ? idle : idle == 0 ? ping : Math.min(ping, idle);
    long period =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(20), Math.min(base / 4, TimeUnit.SECONDS.toNanos(1)));
    long[] lastPing = {System.nanoTime()};
    shard.loop.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          boolean pingNow = ping > 0 && now - lastPing[0] >= ping;
          if (pingNow) {
            lastPing[0] = now;
          }
          shard.forEach(
              c -> {
                if (idle > 0 && now - c.lastReadNanos > idle && !c.closeSent) {
                  startClose(c, CloseCodes.GOING_AWAY, "idle timeout");
                } else if (pingNow && !c.closeSent && c.channel.isWritable()) {
                  c.channel.writeAndFlush(PING_FRAME.duplicate(), c.channel.voidPromise());
                }
              });
        },
        period,
        period,
        TimeUnit.NANOSECONDS);
  }

  // ---- operations ----

  @Override
  public boolean push(long connectionId, String text) {
    return pushFrame(
        connectionId, false, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public boolean push(long connectionId, byte[] data) {
    return pushFrame(connectionId, true, Unpooled.wrappedBuffer(data.clone()));
  }

  @Override
  public boolean push(long connectionId, ByteBuffer data) {
    return pushFrame(connectionId, true, Unpooled.copiedBuffer(data.duplicate()));
  }

  private boolean pushFrame(long id, boolean binary, ByteBuf payload) {
    if (!started.get()) {
      payload.release();
      return false;
    }
    return fanOut.push(connections.get(id), binary, payload);
  }

  @Override
  public int broadcast(String text) {
    return broadcastAll(false, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public int broadcast(byte[] data) {
    return broadcastAll(true, Unpooled.wrappedBuffer(data));
  }

  @Override
  public int broadcast(ByteBuffer data) {
    return broadcastAll(true, Unpooled.wrappedBuffer(data.duplicate()));
  }

  @Override
  public int broadcast(Collection<Long> ids, String text) {
    return broadcastTo(ids, false, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public int broadcast(Collection<Long> ids, byte[] data) {
    return broadcastTo(ids, true, Unpooled.wrappedBuffer(data));
  }

  @Override
  public int broadcast(Collection<Long> ids, ByteBuffer data) {
    return broadcastTo(ids, true, Unpooled.wrappedBuffer(data.duplicate()));
  }

  private int broadcastAll(boolean binary, ByteBuf payload) {
    return started.get() ? fanOut.broadcastAll(binary, payload) : 0;
  }

  private int broadcastTo(Collection<Long> ids, boolean binary, ByteBuf payload) {
    return started.get() ? fanOut.broadcastTo(ids, binary, payload) : 0;
  }

  @Override
  public boolean closeWhenSlow(long connectionId, int code, String reason) {
    String r = checkClose(code, reason);
    Connection c = connections.get(connectionId);
    if (c == null || !c.open) {
      return false;
    }
    Runnable set =
        () -> {
          c.slowCloseCode = code;
          c.slowCloseReason = r;
        };
    if (c.channel.eventLoop().inEventLoop()) {
      set.run();
    } else {
      c.channel.eventLoop().execute(set);
    }
    return true;
  }

  @Override
  public boolean exists(long connectionId) {
    Connection c = connections.get(connectionId);
    return c != null && c.open;
  }

  @Override
  public boolean disconnect(long connectionId, int code, String reason) {
    String r = checkClose(code, reason);
    Connection c = connections.get(connectionId);
    if (c == null || !c.open) {
      return false;
    }
    c.channel.eventLoop().execute(() -> startClose(c, code, r));
    return true;
  }

  private static String checkClose(int code, String reason) {
    if (!CloseCodes.isValidOnWire(code)) {
      throw new IllegalArgumentException("close code may not be sent: " + code);
    }
    String r = reason == null ? "" : reason;
    if (r.getBytes(StandardCharsets.UTF_8).length > 123) {
      throw new IllegalArgumentException("close reason longer than 123 bytes: " + r);
    }
    return r;
  }

  @Override
  public Set<Long> connections() {
    return Set.copyOf(connections.keySet());
  }

  @Override
  public int connectionCount() {
    return connections.size();
  }

  @Override
  public Optional<ConnectionInfo> connectionInfo(long connectionId) {
    Connection c = connections.get(connectionId);
    return c == null || !c.open ? Optional.empty() : Optional.of(c.info());
  }

  @Override
  public TimerHandle tick(Duration period, Runnable task) {
    requireRunning();
    long nanos = Math.max(1, period.toNanos());
    return new Timer(
        group.next().scheduleAtFixedRate(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS));
  }

  @Override
  public TimerHandle after(Duration delay, Runnable task) {
    requireRunning();
    return new Timer(
        group.next().schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS));
  }

  private void requireRunning() {
    if (!started.get() || stopped.get()) {
      throw new IllegalStateException("the server is not running");
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // A failing periodic task must not cancel itself silently, nor kill the loop.
        log.warn("timer task failed", e);
      }
    };
  }

  @Override
  public ServerStats stats() {
    return counters.snapshot(connections.size());
  }

  private static final class Timer implements TimerHandle {
    private final ScheduledFuture<?> future;

    Timer(ScheduledFuture<?> future) {
      this.future = future;
    }

    @Override
    public boolean cancel() {
      return future.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
