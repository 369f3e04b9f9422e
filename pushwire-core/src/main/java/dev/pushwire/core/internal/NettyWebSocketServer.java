package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeListener;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.Message;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerStats;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebSocketServer} on Netty: a façade that starts and stops the server, turns what the
 * handlers report ({@link ServerEvents}) into the application's events, and hands operations to the
 * role that does them. {@link ServerChannelInitializer} builds each connection's pipeline, the
 * {@link UpgradeAdmission} and the {@link WebSocketUpgradeHandler} turn HTTP into WebSocket, the
 * {@link ConnectionTable} keeps the open connections by id and by event loop, the {@link Heartbeat}
 * pings them and closes idle ones, and the {@link FanOut} writes what is pushed and broadcast.
 */
public final class NettyWebSocketServer implements WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketServer.class);

  private final ServerSettings settings;
  private final PipelineResources resources;
  private final ConnectionTable connections;
  private final ServerCounters counters;
  private final Transport transport;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private final ServerListeners listeners = new ServerListeners(this);

  private EventLoopGroup group;
  private Channel serverChannel;

  /** Every channel until it is upgraded: the plain HTTP connections to close on stop. */
  private ChannelGroup httpChannels;

  private FanOut fanOut;
  private volatile int port = -1;

  public NettyWebSocketServer(ServerSettings settings) {
    this.settings = settings;
    this.resources = PipelineResources.of(settings, new Events());
    this.connections = resources.connections();
    this.counters = resources.counters();
    this.transport = Transport.choose(settings.nativeTransport());
  }

  // ---- listeners ----

  @Override
  public WebSocketServer onHandshake(HandshakeListener listener) {
    listeners.handshake = listener;
    return this;
  }

  @Override
  public WebSocketServer onOpen(OpenListener listener) {
    listeners.open = listener;
    return this;
  }

  @Override
  public WebSocketServer onMessage(MessageListener listener) {
    listeners.message = listener;
    return this;
  }

  @Override
  public WebSocketServer onClose(CloseListener listener) {
    listeners.close = listener;
    return this;
  }

  @Override
  public WebSocketServer onRequest(RequestListener listener) {
    listeners.request = listener;
    return this;
  }

  // ---- lifecycle ----

  @Override
  public int start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    SslContext sslContext = ServerChannelInitializer.sslContext(settings);
    group = transport.newGroup(settings.ioThreads(), "pushwire-io", false);
    httpChannels = new DefaultChannelGroup("pushwire", GlobalEventExecutor.INSTANCE);
    connections.shardBy(group);
    fanOut = new FanOut(settings, counters, connections);
    for (LoopShard s : connections.shards()) {
      Heartbeat.start(s, settings.pingInterval(), settings.idleTimeout());
    }
    ServerChannelInitializer initializer =
        new ServerChannelInitializer(resources, sslContext, httpChannels);
    try {
      serverChannel =
          initializer
              .bootstrap(transport, group)
              .bind(new InetSocketAddress(settings.host(), settings.port()))
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
        transport.name().toLowerCase(Locale.ROOT),
        connections.shards().length);
    return port;
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
    for (Connection c : connections.all()) {
      c.channel
          .eventLoop()
          .execute(() -> c.startClose(CloseCodes.GOING_AWAY, "server shutting down"));
    }
    // Plain HTTP connections have nothing to finish but their current response.
    for (Channel ch : httpChannels) {
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
    httpChannels.close().awaitUninterruptibly(1000);
    for (Connection c : connections.all()) {
      c.channel.close().awaitUninterruptibly(100);
    }
    long left = Math.max(0, deadline - System.nanoTime());
    group
        .shutdownGracefully(
            0, Math.max(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)
        .awaitUninterruptibly(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(left) + 1000));
    log.info("stopped");
  }

  // ---- events from the handlers, on event loops ----

  private final class Events implements ServerEvents {
    @Override
    public HandshakeDecision handshakeRequested(HandshakeRequest request) throws Exception {
      return listeners.handshake(request);
    }

    @Override
    public void opened(Connection conn) {
      Channel ch = conn.channel;
      // The connection is tracked in the table from now on; leaving the channel group saves each
      // connection a map entry and a close listener.
      httpChannels.remove(ch);
      // channelInactive may never reach the last handler if a decoder throws while closing. Run
      // later on the loop, so that the error being handled now can record its close code first.
      ch.closeFuture().addListener(f -> ch.eventLoop().execute(() -> closed(conn)));
      connections.add(conn);
      fanOut.opened(conn);
      counters.connectionsOpened.increment();
      if (stopped.get()) {
        conn.startClose(CloseCodes.GOING_AWAY, "server shutting down");
        return;
      }
      listeners.opened(conn.info());
    }

    @Override
    public void messageReceived(Connection conn, boolean binary, byte[] data) {
      counters.messagesIn.increment();
      counters.bytesIn.add(data.length);
      if (!listeners.takesMessages()) {
        return;
      }
      // What the listener broadcasts is paced by its receivers: see FanOutSource.
      LoopShard shard = conn.shard;
      shard.current = conn;
      try {
        listeners.messageReceived(new Message(conn.id, binary, data));
      } finally {
        shard.current = null;
      }
      FanOutSource source = conn.sourceIfAny();
      if (source != null) {
        source.pauseIfBusy();
      }
    }

    @Override
    public void writabilityChanged(Connection conn) {
      fanOut.writabilityChanged(conn);
    }

    @Override
    public void closed(Connection conn) {
      if (!conn.open) {
        return;
      }
      conn.open = false;
      connections.remove(conn);
      fanOut.closed(conn);
      log.debug("connection {} closed: {} {}", conn.id, conn.closeCode, conn.closeReason);
      listeners.closed(
          new CloseEvent(conn.id, conn.closeCode, conn.closeReason, conn.closedByServer));
    }

    @Override
    public boolean takesRequests() {
      return listeners.takesRequests();
    }

    @Override
    public void requestReceived(Channel channel, FanOutSource.Owner source, HttpExchange exchange) {
      LoopShard shard = connections.shardOf(channel.eventLoop());
      if (shard == null) {
        listeners.requestReceived(exchange);
        return;
      }
      shard.current = source;
      try {
        listeners.requestReceived(exchange);
      } finally {
        shard.current = null;
      }
    }
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
  public int broadcastText(Collection<Long> ids, byte[] utf8) {
    return broadcastTo(ids, false, Utf8Checker.requireWellFormed(Unpooled.wrappedBuffer(utf8)));
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
    c.channel.eventLoop().execute(() -> c.startClose(code, r));
    return true;
  }

  private static String checkClose(int code, String reason) {
    if (!CloseCodes.isValidOnWire(code)) {
      throw new IllegalArgumentException("close code may not be sent: " + code);
    }
    String r = reason == null ? "" : reason;
    if (r.getBytes(StandardCharsets.UTF_8).length
        > WebSocketConnectionHandler.MAX_CLOSE_REASON_BYTES) {
      throw new IllegalArgumentException("close reason longer than 123 bytes: " + r);
    }
    return r;
  }

  @Override
  public Set<Long> connections() {
    return connections.ids();
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
    return LoopTimer.every(group.next(), period, task);
  }

  @Override
  public TimerHandle after(Duration delay, Runnable task) {
    requireRunning();
    return LoopTimer.after(group.next(), delay, task);
  }

  private void requireRunning() {
    if (!started.get() || stopped.get()) {
      throw new IllegalStateException("the server is not running");
    }
  }

  @Override
  public ServerStats stats() {
    return counters.snapshot(connections.size());
  }
}
