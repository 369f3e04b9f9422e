package dev.pushwire.core.internal.client;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketClient;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
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
 * hop onto that loop. The {@link ClientDialer} opens each attempt's connection, whose pipeline from
 * {@link ClientChannelInitializer} runs the handshake and whose {@link ClientConnectionHandler}
 * reports back here when the connection opens, receives a message, fails or closes; the {@link
 * ReconnectBackoff} times the attempts after a failure or a lost connection.
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
  private final ClientDialer dialer;
  private final EventLoop loop;
  private final ReconnectBackoff backoff;
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();

  private final ClientListeners listeners = new ClientListeners(this);
  private final ClientEvents events = new Events();

  /** The open connection, for sending from any thread; null when not open. */
  private volatile ClientConnectionHandler current;

  // The fields below are touched only on the event loop.
  private State state = State.IDLE;
  private boolean shutDown;
  private boolean reconnecting;
  private int attemptSeq;
  private Channel attempt;
  private ClientConnectionHandler connection;
  private final List<CompletableFuture<Void>> openWaiters = new ArrayList<>();
  private final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>();

  /**
   * A client of {@code uri}; with {@code sharedGroup} null it creates (and later shuts down) its
   * own event loop group.
   */
  public NettyWebSocketClient(URI uri, ClientSettings settings, EventLoopGroup sharedGroup) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dialer = new ClientDialer(events, uri, settings, sharedGroup);
    this.loop = dialer.loop;
    this.backoff = new ReconnectBackoff(settings.reconnect(), loop);
  }

  @Override
  public WebSocketClient onOpen(Consumer<WebSocketClient> listener) {
    listeners.open = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onMessage(BiConsumer<WebSocketClient, Message> listener) {
    listeners.message = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onClose(BiConsumer<WebSocketClient, CloseEvent> listener) {
    listeners.close = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public WebSocketClient onError(BiConsumer<WebSocketClient, Throwable> listener) {
    listeners.error = Objects.requireNonNull(listener, "listener");
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
              backoff.reset();
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
    return h == null || !h.isWritable() ? notOpen() : h.sendText(text);
  }

  @Override
  public CompletionStage<Void> sendBinary(byte[] data) {
    Objects.requireNonNull(data, "data");
    ClientConnectionHandler h = current;
    return h == null || !h.isWritable() ? notOpen() : h.sendBinary(data);
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
    if (dialer.ownsGroup) {
      io.netty.util.concurrent.Future<?> terminated =
          dialer.group.shutdownGracefully(0, GROUP_SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
    dialer.resolve(
        (address, error) -> {
          if (seq != attemptSeq || state != State.CONNECTING || attempt != null) {
            return; // the attempt was abandoned during the lookup
          }
          if (error != null) {
            failAttempt(error);
          } else {
            connectTo(address);
          }
        });
  }

  private void connectTo(InetSocketAddress address) {
    ChannelFuture connected = dialer.connect(address);
    Channel ch = connected.channel();
    attempt = ch;
    connected.addListener(
        f -> {
          if (!f.isSuccess()) {
            events.attemptFailed(ch, f.cause());
          }
        });
  }

  private void failAttempt(Throwable cause) {
    attempt = null;
    if (!reconnecting) {
      state = State.IDLE;
      failAll(openWaiters, cause);
      return;
    }
    backoff.attemptFailed();
    listeners.errorOccurred(cause);
    if (state == State.CONNECTING && attempt == null) {
      scheduleReconnect(cause);
    }
  }

  private void scheduleReconnect(Throwable lastCause) {
    if (!shutDown && backoff.schedule(this::reconnectNow)) {
      state = State.WAITING;
      return;
    }
    state = State.IDLE;
    reconnecting = false;
    IOException gaveUp =
        new IOException(
            "gave up reconnecting to "
                + uri
                + " after "
                + backoff.failedAttempts()
                + " failed attempts",
            lastCause);
    failAll(openWaiters, gaveUp);
    listeners.errorOccurred(gaveUp);
  }

  private void reconnectNow() {
    if (state == State.WAITING && !shutDown) {
      reconnecting = true;
      startAttempt();
    }
  }

  /** What the connections' handlers report; on the loop. */
  private final class Events implements ClientEvents {
    @Override
    public void attemptFailed(Channel ch, Throwable cause) {
      if (ch != attempt || state != State.CONNECTING) {
        return; // an abandoned attempt
      }
      failAttempt(cause);
    }

    @Override
    public void opened(ClientConnectionHandler h) {
      if (h.channel() != attempt || state != State.CONNECTING) {
        h.abort(); // an abandoned attempt that got through anyway
        return;
      }
      attempt = null;
      connection = h;
      current = h;
      state = State.OPEN;
      backoff.reset();
      reconnecting = false;
      listeners.opened();
      completeAll(openWaiters);
    }

    @Override
    public void closed(ClientConnectionHandler h, CloseEvent event) {
      if (h != connection) {
        return;
      }
      boolean closedByUser = state == State.CLOSING;
      connection = null;
      current = null;
      state = State.IDLE;
      listeners.closed(event);
      completeAll(closeWaiters);
      if (!closedByUser && !shutDown && state == State.IDLE && settings.reconnect().enabled()) {
        reconnecting = true;
        backoff.reset();
        scheduleReconnect(null);
      }
    }

    @Override
    public void messageReceived(Message message) {
      listeners.messageReceived(message);
    }

    @Override
    public void errorOccurred(Throwable error) {
      listeners.errorOccurred(error);
    }
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
        backoff.cancel();
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
}
