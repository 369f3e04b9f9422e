package dev.pushwire.core.internal.client;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.core.internal.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty {@link WebSocketClient}: a state machine (idle, connecting, open, closing, waiting to
 * reconnect) that runs on one event loop of its group, so its state needs no locks. Public methods
 * hop onto that loop; each connection attempt gets a fresh pipeline from {@link
 * ClientChannelInitializer}, whose {@link ClientConnectionHandler} reports back here when the
 * connection opens, receives a message, fails or closes.
 */
public final class NettyWebSocketClient implements WebSocketClient {
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketClient.class);

  /** Extra wait in {@link #shutdown()} beyond the close timeout, for the loop to run the close. */
  private static final long SHUTDOWN_SLACK_MILLIS = 1000;

  private static final long GROUP_SHUTDOWN_TIMEOUT_SECONDS = 5;

  private enum State {
    IDLE,
    CONNECTING,
    OPEN,
    CLOSING,
    WAITING
  }

  private final URI uri;
  private final ClientSettings settings;
  private final String host;
  private final int port;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();

  private volatile Consumer<WebSocketClient> openListener = c -> {};
  private volatile BiConsumer<WebSocketClient, Message> messageListener = (c, m) -> {};
  private volatile BiConsumer<WebSocketClient, CloseEvent> closeListener = (c, e) -> {};
  private volatile BiConsumer<WebSocketClient, Throwable> errorListener =
      (c, e) -> log.warn("WebSocket client of {}: {}", c.uri(), e.toString());

  /** The open connection, for sending from any thread; null when not open. */
  private volatile ClientConnectionHandler current;

  // The fields below are touched only on the event loop.
  private State state = State.IDLE;
  private boolean shutDown;
  private boolean reconnecting;
  private int failedAttempts;
  private int attemptSeq;
  private Channel attempt;
  private ClientConnectionHandler connection;
  private ScheduledFuture<?> reconnectTask;
  private final List<CompletableFuture<Void>> openWaiters = new ArrayList<>();
  private final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>();

  /**
   * A client of {@code uri}; with {@code sharedGroup} null it creates (and later shuts down) its
   * own event loop group.
   */
  public NettyWebSocketClient(URI uri, ClientSettings settings, EventLoopGroup sharedGroup) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.settings = Objects.requireNonNull(settings, "settings");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("wss");
    if (!(tls || scheme.equals("ws")) || uri.getHost() == null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "uri: bad value '"
              + uri
              + "' (expected ws://host[:port]/path or wss://host[:port]/path without a fragment)");
    }
    this.host = withoutBrackets(uri.getHost());
    this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    SslContext sslContext = tls ? newSslContext(settings.trustedCaFile()) : null;

    Transport transport;
    if (sharedGroup == null) {
      transport = Transport.choose(settings.nativeTransport());
      // Daemon threads: an idle client, like the JDK's HttpClient, does not keep the JVM alive.
      this.group = transport.newGroup(settings.ioThreads(), "pushwire-client", true);
      this.ownsGroup = true;
    } else {
      transport = transportOf(sharedGroup);
      this.group = sharedGroup;
      this.ownsGroup = false;
    }
    this.loop = group.next();
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.clientChannel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ClientChannelInitializer(this, uri, settings, sslContext, host, port));
  }

  @Override
  public WebSocketClient onOpen(Consumer<WebSocketClient> listener) {
    this.openListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onMessage(BiConsumer<WebSocketClient, Message> listener) {
    this.messageListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onClose(BiConsumer<WebSocketClient, CloseEvent> listener) {
    this.closeListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onError(BiConsumer<WebSocketClient, Throwable> listener) {
    this.errorListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public CompletionStage<Void> connect() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    runOnLoop(
        done,
        () -> {
          if (shutDown) {
            done.completeExceptionally(new IllegalStateException("the client was shut down"));
            return;
          }
          switch (state) {
            case OPEN -> done.complete(null);
            case CLOSING ->
                done.completeExceptionally(new IllegalStateException("the client is closing"));
            case CONNECTING, WAITING -> openWaiters.add(done);
            case IDLE -> {
              openWaiters.add(done);
              reconnecting = false;
              failedAttempts = 0;
              startAttempt();
            }
          }
        });
    return done;
  }

  @Override
  public CompletionStage<Void> sendText(String text) {
    Objects.requireNonNull(text, "text");
    ClientConnectionHandler h = current;
    if (h == null || !h.isWritable()) {
      return notOpen();
    }
    Channel ch = h.channel();
    return write(ch, new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), text)));
  }

  @Override
  public CompletionStage<Void> sendBinary(byte[] data) {
    Objects.requireNonNull(data, "data");
    ClientConnectionHandler h = current;
    if (h == null || !h.isWritable()) {
      return notOpen();
    }
    Channel ch = h.channel();
    return write(ch, new BinaryWebSocketFrame(ch.alloc().buffer(data.length).writeBytes(data)));
  }

  @Override
  public CompletionStage<Void> ping(byte[] payload) {
    if (payload.length > 125) {
      throw new IllegalArgumentException(
          "ping payload: " + payload.length + " bytes (expected at most 125)");
    }
    byte[] copy = payload.clone();
    ClientConnectionHandler h = current;
    if (h == null) {
      return notOpen();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    runOnLoop(done, () -> h.ping(copy, done));
    return done;
  }

  @Override
  public CompletionStage<Void> close(int code, String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!CloseCodes.isValidOnWire(code)) {
      throw new IllegalArgumentException("close code " + code + " may not be sent");
    }
    if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
      throw new IllegalArgumentException("close reason longer than 123 bytes in UTF-8");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    runOnLoop(done, () -> closeOnLoop(code, reason, done));
    return done;
  }

  @Override
  public boolean isOpen() {
    ClientConnectionHandler h = current;
    return h != null && h.isWritable();
  }

  @Override
  public String subprotocol() {
    ClientConnectionHandler h = current;
    return h == null ? null : h.subprotocol();
  }

  @Override
  public String extensions() {
    ClientConnectionHandler h = current;
    return h == null ? "" : h.extensions();
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public ClientSettings settings() {
    return settings;
  }

  @Override
  public void shutdown() {
    if (!shutdownStarted.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    runOnLoop(
        closed,
        () -> {
          shutDown = true;
          closeOnLoop(CloseCodes.GOING_AWAY, "", closed);
        });
    boolean onLoop = loop.inEventLoop();
    if (!onLoop) {
      try {
        closed.get(
            settings.closeTimeout().toMillis() + SHUTDOWN_SLACK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Shutting the group down below closes whatever is still open.
        log.debug("WebSocket client of {} did not close cleanly", uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsGroup) {
      io.netty.util.concurrent.Future<?> terminated =
          group.shutdownGracefully(0, GROUP_SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!onLoop) {
        terminated.awaitUninterruptibly(GROUP_SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "WebSocketClient{" + uri + ", open=" + isOpen() + '}';
  }

  // ---- state machine, on the event loop ----

  private void startAttempt() {
    state = State.CONNECTING;
    int seq = ++attemptSeq;
    InetAddress literal = ipLiteral(host);
    if (literal != null) {
      connectTo(new InetSocketAddress(literal, port));
      return;
    }
    // Name lookups block; Netty's global executor runs such one-off tasks off the event loops.
    GlobalEventExecutor.INSTANCE.execute(
        () -> {
          InetSocketAddress address = null;
          UnknownHostException unknown = null;
          try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
          } catch (UnknownHostException e) {
            unknown = e;
          }
          InetSocketAddress resolved = address;
          UnknownHostException error = unknown;
          runOnLoop(
              null,
              () -> {
                if (seq != attemptSeq || state != State.CONNECTING || attempt != null) {
                  return; // the attempt was abandoned meanwhile
                }
                if (error != null) {
                  failAttempt(error);
                } else {
                  connectTo(resolved);
                }
              });
        });
  }

  private void connectTo(InetSocketAddress address) {
    ChannelFuture connected = bootstrap.connect(address);
    Channel ch = connected.channel();
    attempt = ch;
    connected.addListener(
        f -> {
          if (!f.isSuccess()) {
            attemptFailed(ch, f.cause());
          }
        });
  }

  /** An attempt on {@code ch} ended before the handshake completed. */
  void attemptFailed(Channel ch, Throwable cause) {
    if (ch != attempt || state != State.CONNECTING) {
      return; // an abandoned attempt
    }
    failAttempt(cause);
  }

  private void failAttempt(Throwable cause) {
    attempt = null;
    if (!reconnecting) {
      state = State.IDLE;
      failAll(openWaiters, cause);
      return;
    }
    failedAttempts++;
    errorOccurred(cause);
    if (state == State.CONNECTING && attempt == null) {
      scheduleReconnect(cause);
    }
  }

  private void scheduleReconnect(Throwable lastCause) {
    ReconnectPolicy policy = settings.reconnect();
    int next = failedAttempts + 1;
    if (shutDown || !policy.allows(next)) {
      state = State.IDLE;
      reconnecting = false;
      IOException gaveUp =
          new IOException(
              "gave up reconnecting to " + uri + " after " + failedAttempts + " failed attempts",
              lastCause);
      failAll(openWaiters, gaveUp);
      errorOccurred(gaveUp);
      return;
    }
    state = State.WAITING;
    long delayNanos = policy.delayBefore(next, ThreadLocalRandom.current().nextDouble()).toNanos();
    reconnectTask = loop.schedule(this::reconnectNow, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void reconnectNow() {
    reconnectTask = null;
    if (state == State.WAITING && !shutDown) {
      reconnecting = true;
      startAttempt();
    }
  }

  /** The handshake of {@code h} has completed. */
  void connectionOpened(ClientConnectionHandler h) {
    if (h.channel() != attempt || state != State.CONNECTING) {
      h.abort(); // an abandoned attempt that got through anyway
      return;
    }
    attempt = null;
    connection = h;
    current = h;
    state = State.OPEN;
    failedAttempts = 0;
    reconnecting = false;
    try {
      openListener.accept(this);
    } catch (RuntimeException e) {
      listenerFailed("onOpen", e);
    }
    completeAll(openWaiters);
  }

  /** The opened connection of {@code h} has closed. */
  void connectionClosed(ClientConnectionHandler h, CloseEvent event) {
    if (h != connection) {
      return;
    }
    boolean closedByUser = state == State.CLOSING;
    connection = null;
    current = null;
    state = State.IDLE;
    try {
      closeListener.accept(this, event);
    } catch (RuntimeException e) {
      listenerFailed("onClose", e);
    }
    completeAll(closeWaiters);
    if (!closedByUser && !shutDown && state == State.IDLE && settings.reconnect().enabled()) {
      reconnecting = true;
      failedAttempts = 0;
      scheduleReconnect(null);
    }
  }

  void messageReceived(Message message) {
    try {
      messageListener.accept(this, message);
    } catch (RuntimeException e) {
      listenerFailed("onMessage", e);
    }
  }

  void errorOccurred(Throwable error) {
    try {
      errorListener.accept(this, error);
    } catch (RuntimeException e) {
      log.warn("onError listener of the WebSocket client of {} threw", uri, e);
    }
  }

  private void listenerFailed(String listener, RuntimeException e) {
    log.debug("{} listener of the WebSocket client of {} threw", listener, uri, e);
    errorOccurred(e);
  }

  private void closeOnLoop(int code, String reason, CompletableFuture<Void> done) {
    switch (state) {
      case OPEN -> {
        state = State.CLOSING;
        current = null;
        closeWaiters.add(done);
        connection.closeByClient(code, reason);
      }
      case CLOSING -> closeWaiters.add(done);
      case CONNECTING -> {
        Channel ch = attempt;
        abandonAttempts();
        if (ch != null) {
          ch.close().addListener(f -> done.complete(null));
        } else {
          done.complete(null);
        }
      }
      case WAITING -> {
        reconnectTask.cancel(false);
        reconnectTask = null;
        abandonAttempts();
        done.complete(null);
      }
      case IDLE -> done.complete(null);
    }
  }

  private void abandonAttempts() {
    state = State.IDLE;
    attempt = null;
    reconnecting = false;
    failAll(openWaiters, new IOException("closed before a connection opened"));
  }

  // ---- helpers ----

  private void runOnLoop(CompletableFuture<?> onRejected, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      if (onRejected != null) {
        onRejected.completeExceptionally(new IllegalStateException("the client was shut down", e));
      }
    }
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

  private static CompletionStage<Void> notOpen() {
    return CompletableFuture.failedFuture(new IllegalStateException("not open"));
  }

  private static void completeAll(List<CompletableFuture<Void>> waiters) {
    List<CompletableFuture<Void>> copy = new ArrayList<>(waiters);
    waiters.clear();
    copy.forEach(f -> f.complete(null));
  }

  private static void failAll(List<CompletableFuture<Void>> waiters, Throwable cause) {
    List<CompletableFuture<Void>> copy = new ArrayList<>(waiters);
    waiters.clear();
    copy.forEach(f -> f.completeExceptionally(cause));
  }

  private static String withoutBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static InetAddress ipLiteral(String host) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(host, bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("NetUtil returned a bad address for " + host, e);
    }
  }

  private static Transport transportOf(EventLoopGroup group) {
    if (group instanceof IoEventLoopGroup) {
      IoEventLoopGroup io = (IoEventLoopGroup) group;
      if (io.isIoType(EpollIoHandler.class)) {
        return Transport.EPOLL;
      }
      if (io.isIoType(NioIoHandler.class)) {
        return Transport.NIO;
      }
    }
    throw new IllegalArgumentException(
        "group: bad value '" + group + "' (expected an epoll or NIO IoEventLoopGroup)");
  }

  private static SslContext newSslContext(Path trustedCaFile) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
      if (trustedCaFile != null) {
        byte[] pem = Files.readAllBytes(trustedCaFile);
        try {
          builder.trustManager(new ByteArrayInputStream(pem));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "trustedCaFile: bad value '"
                  + trustedCaFile
                  + "' (expected a PEM file of CA certificates)",
              e);
        }
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up TLS for the WebSocket client", e);
    }
  }
}
