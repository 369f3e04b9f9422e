package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.message;

import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.ConnectedEvent;
import dev.pushwire.client.ConnectionState;
import dev.pushwire.client.DisconnectedEvent;
import dev.pushwire.client.PushwireException;
import dev.pushwire.client.ReconnectingEvent;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The connection of a client: a state machine (disconnected, connecting, open, reconnecting,
 * closed) on the client's event loop. Each connection attempt is a fresh core {@link
 * WebSocketClient} on the same loop, for the URI and token of that attempt ({@link Handshake}),
 * with core's own reconnect off: this class decides when and where to reconnect, with the backoff
 * of {@link ClientConfig#reconnect()}. A connection that becomes ready subscribes every
 * subscription, then sends the queued commands; one that closes fails the commands sent on it.
 */
final class Connection {
  /** Sent when the client gives up on a connection that no longer answers. */
  private static final int UNRESPONSIVE_CLOSE = 4000;

  static final int NORMAL_CLOSE = 1000;

  private final ClientConfig config;
  private final ClientLoop loop;
  private final ClientListeners listeners;
  private final CommandTracker commands;
  private final Subscriptions subscriptions;
  private final Heartbeat heartbeat;
  private final Handshake handshake;

  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile URI connectedUri;

  // The fields below are touched only on the event loop.
  private WebSocketClient socket;
  private URI socketUri;
  private boolean ready;
  private boolean everConnected;
  private int failedAttempts;
  private int attemptSeq;
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private ScheduledFuture<?> reconnectTask;

  Connection(Supplier<URI> uris, ClientConfig config, ClientLoop loop, ClientListeners listeners) {
    this.config = config;
    this.loop = loop;
    this.listeners = listeners;
    this.commands = new CommandTracker(this, loop, config.commandTimeout());
    this.subscriptions = new Subscriptions(this, commands, loop, listeners, config.reconnect());
    this.heartbeat = new Heartbeat(this, commands, loop, config.pingInterval());
    FrameRouter router = new FrameRouter(commands, subscriptions, listeners);
    this.handshake = new Handshake(this, uris, config, loop, listeners, commands, router);
  }

  CommandTracker commands() {
    return commands;
  }

  Subscriptions subscriptions() {
    return subscriptions;
  }

  ConnectionState state() {
    return state;
  }

  URI connectedUri() {
    return connectedUri;
  }

  /** A connection is open and past its handshake: commands go out at once. */
  boolean ready() {
    return ready;
  }

  boolean closed() {
    return state == ConnectionState.CLOSED;
  }

  /** The current socket, or {@code null}. */
  WebSocketClient socket() {
    return socket;
  }

  void write(String text) {
    socket.sendText(text);
  }

  /** Closes {@code ws} if it is still the current socket: the node did not answer on it. */
  void closeUnresponsive(WebSocketClient ws, String why) {
    if (ws == socket) {
      ws.close(UNRESPONSIVE_CLOSE, why);
    }
  }

  // ---- connecting ---------------------------------------------------------------------------

  CompletionStage<Void> connect() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        done,
        () -> {
          switch (state) {
            case CLOSED -> done.completeExceptionally(ClientErrors.closed());
            case OPEN -> done.complete(null);
            case CONNECTING, RECONNECTING -> connectWaiters.add(done);
            case DISCONNECTED -> {
              connectWaiters.add(done);
              failedAttempts = 0;
              startAttempt();
            }
          }
        });
    return done;
  }

  private void startAttempt() {
    reconnectTask = null;
    state = ConnectionState.CONNECTING;
    int seq = ++attemptSeq;
    handshake
        .token()
        .whenComplete(
            (t, e) ->
                loop.execute(
                    null,
                    () -> {
                      if (seq != attemptSeq || state != ConnectionState.CONNECTING) {
                        return; // closed meanwhile
                      }
                      if (e != null) {
                        attemptFailed(new IOException("the token source failed: " + message(e), e));
                      } else {
                        handshake.open(t);
                      }
                    }));
  }

  /** The socket of the current attempt ({@code null}: none) and the URI it was opened for. */
  void attach(WebSocketClient ws, URI uri) {
    socket = ws;
    socketUri = uri;
  }

  /** The handshake succeeded, for {@code user} (or {@code null}). */
  void becomeOpen(String user) {
    state = ConnectionState.OPEN;
    ready = true;
    connectedUri = socketUri;
    failedAttempts = 0;
    boolean reconnected = everConnected;
    everConnected = true;
    listeners.connected(new ConnectedEvent(socketUri, user, reconnected));
    if (!ready) {
      return; // the listener closed the client or the connection
    }
    subscriptions.connected();
    commands.sendQueued();
    heartbeat.start();
    settleAll(connectWaiters, null);
  }

  void socketClosed(CloseEvent event) {
    WebSocketClient ws = socket;
    socket = null;
    ws.shutdown(); // on the loop it does not wait; the shared group stays up
    boolean wasOpen = state == ConnectionState.OPEN;
    ready = false;
    connectedUri = null;
    heartbeat.stop();
    subscriptions.disconnected();
    commands.failSent(
        new PushwireException(
            PushwireException.DISCONNECTED,
            "the connection closed before the reply (" + describe(event) + ")"));
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (!wasOpen) {
      // Closed before it was ready: the subprotocol or the connect command was refused.
      attemptFailed(
          new IOException("the connection closed before it was ready: " + describe(event)));
      return;
    }
    boolean reconnect = config.reconnect().allows(1);
    listeners.disconnected(
        new DisconnectedEvent(socketUri, event.code(), event.reason(), reconnect));
    if (state == ConnectionState.CLOSED) {
      return;
    }
    if (reconnect) {
      scheduleReconnect(null);
    } else {
      giveUp(null, "the connection closed (" + describe(event) + ") and reconnect is off");
    }
  }

  void attemptFailed(Throwable cause) {
    failedAttempts++;
    scheduleReconnect(cause);
  }

  private void scheduleReconnect(Throwable cause) {
    ReconnectPolicy policy = config.reconnect();
    int next = failedAttempts + 1;
    if (!policy.allows(next)) {
      giveUp(
          cause,
          "gave up connecting after "
              + failedAttempts
              + " failed attempt"
              + (failedAttempts == 1 ? "" : "s")
              + (cause == null ? "" : ": " + message(cause)));
      return;
    }
    Duration delay = policy.delayBefore(next, ThreadLocalRandom.current().nextDouble());
    state = ConnectionState.RECONNECTING;
    listeners.reconnecting(new ReconnectingEvent(next, delay, cause));
    if (state == ConnectionState.RECONNECTING) {
      reconnectTask = loop.schedule(this::startAttempt, delay);
    }
  }

  private void giveUp(Throwable cause, String why) {
    state = ConnectionState.DISCONNECTED;
    PushwireException e = new PushwireException(PushwireException.DISCONNECTED, why, cause);
    settleAll(connectWaiters, e);
    commands.failQueued(e);
    listeners.error(e, null);
  }

  /** Closes the client: everything pending fails, then {@code closed} completes. */
  void close(CompletableFuture<Void> closed) {
    boolean wasOpen = state == ConnectionState.OPEN;
    state = ConnectionState.CLOSED;
    ready = false;
    connectedUri = null;
    if (reconnectTask != null) {
      reconnectTask.cancel(false);
      reconnectTask = null;
    }
    heartbeat.stop();
    PushwireException e = ClientErrors.closed();
    commands.failAll(e);
    settleAll(connectWaiters, e);
    subscriptions.endAll(e);
    WebSocketClient ws = socket;
    socket = null;
    if (ws == null) {
      closed.complete(null);
    } else {
      ws.close(NORMAL_CLOSE, "client closed")
          .whenComplete(
              (v, x) -> {
                ws.shutdown();
                closed.complete(null);
              });
    }
    if (wasOpen) {
      listeners.disconnected(
          new DisconnectedEvent(socketUri, NORMAL_CLOSE, "client closed", false));
    }
  }

  private static String describe(CloseEvent e) {
    return "code " + e.code() + (e.reason().isEmpty() ? "" : " " + e.reason());
  }

  /** Completes the connect waiters, with {@code failure} unless it is {@code null}. */
  private static void settleAll(List<CompletableFuture<Void>> waiters, Throwable failure) {
    List<CompletableFuture<Void>> copy = new ArrayList<>(waiters);
    waiters.clear();
    for (CompletableFuture<Void> f : copy) {
      if (failure == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(failure);
      }
    }
  }
}
