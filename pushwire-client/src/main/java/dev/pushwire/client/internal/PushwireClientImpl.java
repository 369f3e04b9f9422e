package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.badResponse;
import static dev.pushwire.client.internal.ClientErrors.isCode;
import static dev.pushwire.client.internal.ClientErrors.message;
import static dev.pushwire.client.internal.ClientErrors.unwrap;
import static dev.pushwire.client.internal.FrameCodec.abbreviate;
import static dev.pushwire.client.internal.FrameCodec.channelFields;
import static dev.pushwire.client.internal.FrameCodec.errorOf;
import static dev.pushwire.client.internal.FrameCodec.position;
import static dev.pushwire.client.internal.FrameCodec.positionNode;
import static dev.pushwire.client.internal.FrameCodec.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.ConnectedEvent;
import dev.pushwire.client.ConnectionState;
import dev.pushwire.client.DirectMessage;
import dev.pushwire.client.DisconnectedEvent;
import dev.pushwire.client.ErrorEvent;
import dev.pushwire.client.EventListener;
import dev.pushwire.client.HistoryOptions;
import dev.pushwire.client.HistoryResult;
import dev.pushwire.client.LostEvent;
import dev.pushwire.client.Position;
import dev.pushwire.client.Presence;
import dev.pushwire.client.Publication;
import dev.pushwire.client.PublicationListener;
import dev.pushwire.client.PushwireClient;
import dev.pushwire.client.PushwireException;
import dev.pushwire.client.ReconnectingEvent;
import dev.pushwire.client.ResubscribingEvent;
import dev.pushwire.client.SubscribedEvent;
import dev.pushwire.client.Subscription;
import dev.pushwire.client.TokenDelivery;
import dev.pushwire.client.TokenSource;
import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The {@link PushwireClient}: a state machine (disconnected, connecting, open, reconnecting,
 * closed) on the one event loop of a group it owns, so its state needs no locks; public methods hop
 * onto that loop. Each connection attempt is a fresh core {@link WebSocketClient} on the same loop,
 * for the URI and token of that attempt, with core's own reconnect off: this class decides when and
 * where to reconnect.
 *
 * <p>Commands carry increasing numeric ids; a {@link PendingCommand} waits for its reply in {@link
 * #pending}, and, while no connection is ready, in {@link #queue}. Subscriptions are not queued:
 * every one is (re)sent, with {@code since} from its {@link ChannelCursor}, whenever a connection
 * becomes ready, before the queued commands.
 */
public final class PushwireClientImpl implements PushwireClient {
  /** Sent when the client gives up on a connection that no longer answers. */
  private static final int UNRESPONSIVE_CLOSE = 4000;

  private static final int NORMAL_CLOSE = 1000;
  private static final long CLOSE_SLACK_MILLIS = 1000;

  private final Supplier<URI> uris;
  private final ClientConfig config;
  private final ClientLoop loop;
  private final Map<String, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();

  private final ClientListeners listeners = new ClientListeners();

  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile URI connectedUri;

  // The fields below are touched only on the event loop.
  private WebSocketClient socket;
  private URI socketUri;
  private boolean ready;
  private boolean everConnected;
  private int failedAttempts;
  private int attemptSeq;
  private long nextId = 1;
  private String user;
  private final Map<Long, PendingCommand> pending = new HashMap<>();
  private final ArrayDeque<PendingCommand> queue = new ArrayDeque<>();
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private ScheduledFuture<?> reconnectTask;
  private ScheduledFuture<?> pingTask;

  private PushwireClientImpl(Supplier<URI> uris, ClientConfig config) {
    this.uris = Objects.requireNonNull(uris, "uris");
    this.config = Objects.requireNonNull(config, "config");
    this.loop = new ClientLoop();
  }

  /** A client of {@code uris}, tried in turn. */
  public static PushwireClient create(List<URI> uris, ClientConfig config) {
    return new PushwireClientImpl(NodeUris.rotation(Objects.requireNonNull(uris, "uris")), config);
  }

  /** A client that asks {@code uris} before each attempt. */
  public static PushwireClient create(Supplier<URI> uris, ClientConfig config) {
    return new PushwireClientImpl(uris, config);
  }

  // ---- listeners ----------------------------------------------------------------------------

  @Override
  public PushwireClient onConnected(EventListener<ConnectedEvent> listener) {
    listeners.onConnected = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onDisconnected(EventListener<DisconnectedEvent> listener) {
    listeners.onDisconnected = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onReconnecting(EventListener<ReconnectingEvent> listener) {
    listeners.onReconnecting = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onSubscribed(EventListener<SubscribedEvent> listener) {
    listeners.onSubscribed = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onResubscribing(EventListener<ResubscribingEvent> listener) {
    listeners.onResubscribing = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onLost(EventListener<LostEvent> listener) {
    listeners.onLost = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onMessage(EventListener<DirectMessage> listener) {
    listeners.onMessage = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public PushwireClient onError(EventListener<ErrorEvent> listener) {
    listeners.onError = Objects.requireNonNull(listener, "listener");
    return this;
  }

  // ---- public operations --------------------------------------------------------------------

  @Override
  public CompletionStage<Void> connect() {
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

  @Override
  public Subscription subscribe(String channel, PublicationListener listener) {
    return subscribe(channel, null, listener);
  }

  @Override
  public Subscription subscribe(String channel, Position since, PublicationListener listener) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(listener, "listener");
    ChannelSubscription sub = new ChannelSubscription(this, channel, since, listener);
    if (subscriptions.putIfAbsent(channel, sub) != null) {
      throw new IllegalStateException(
          "already subscribed to " + channel + " (unsubscribe that subscription first)");
    }
    if (loop.closing()) {
      // The loop may be gone already: end it here, quietly, as close() ends the others.
      subscriptions.remove(channel, sub);
      sub.ended = true;
      sub.ready.completeExceptionally(ClientErrors.closed());
      return sub;
    }
    loop.execute(
        sub.ready,
        () -> {
          if (state == ConnectionState.CLOSED) {
            end(sub, ClientErrors.closed());
          } else if (ready && !sub.ended && sub.inFlight == 0 && !sub.live) {
            sendSubscribe(sub);
          }
        });
    return sub;
  }

  @Override
  public Subscription subscription(String channel) {
    return subscriptions.get(channel);
  }

  @Override
  public CompletionStage<Position> publish(String channel, JsonNode data) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(data, "data");
    ObjectNode fields = FrameCodec.fields().put("channel", channel);
    fields.set("data", data);
    return call("publish", fields).thenApply(r -> position(r, "publish"));
  }

  @Override
  public CompletionStage<Position> publishJson(String channel, String json) {
    Objects.requireNonNull(json, "json");
    return publish(channel, FrameCodec.value(json));
  }

  @Override
  public CompletionStage<Position> publishText(String channel, String text) {
    return publish(channel, TextNode.valueOf(Objects.requireNonNull(text, "text")));
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(options, "options");
    ObjectNode fields = FrameCodec.fields().put("channel", channel);
    if (options.limit() >= 0) {
      fields.put("limit", options.limit());
    }
    if (options.since() != null) {
      fields.set("since", positionNode(options.since()));
    }
    return call("history", fields).thenApply(FrameCodec::historyResult);
  }

  @Override
  public CompletionStage<Presence> presence(String channel) {
    Objects.requireNonNull(channel, "channel");
    return call("presence", FrameCodec.fields().put("channel", channel))
        .thenApply(FrameCodec::presenceResult);
  }

  @Override
  public CompletionStage<Duration> ping() {
    long start = System.nanoTime();
    return call("ping", FrameCodec.fields())
        .thenApply(r -> Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public CompletionStage<Instant> refresh(String token) {
    Objects.requireNonNull(token, "token");
    return call("refresh", FrameCodec.fields().put("token", token))
        .thenApply(FrameCodec::expiresAt);
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public URI connectedUri() {
    return connectedUri;
  }

  @Override
  public ClientConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (!loop.startClosing()) {
      return;
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    loop.execute(closed, () -> closeOnLoop(closed));
    loop.shutdownAfter(closed, config.transport().closeTimeout().plusMillis(CLOSE_SLACK_MILLIS));
  }

  @Override
  public String toString() {
    return "PushwireClient{" + state + (connectedUri == null ? "" : " " + connectedUri) + '}';
  }

  /** Ends {@code sub} at the user's request; see {@link Subscription#unsubscribe()}. */
  CompletionStage<Void> unsubscribe(ChannelSubscription sub) {
    if (!subscriptions.remove(sub.channel, sub)) {
      return CompletableFuture.completedFuture(null); // ended already
    }
    sub.ended = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        done,
        () -> {
          sub.live = false;
          sub.ready.completeExceptionally(
              new PushwireException(
                  PushwireException.NOT_SUBSCRIBED, "unsubscribed before the node answered"));
          if (!ready) {
            done.complete(null); // no connection: the node holds no subscription for us
            return;
          }
          command("unsubscribe", channelFields(sub.channel), false)
              .reply
              .whenComplete(
                  (r, e) -> {
                    PushwireException failure = e == null ? null : unwrap(e);
                    if (failure == null || PushwireException.DISCONNECTED.equals(failure.code())) {
                      done.complete(null); // a closed connection takes its subscriptions along
                    } else {
                      done.completeExceptionally(failure);
                    }
                  });
        });
    return done;
  }

  // ---- connection, on the event loop --------------------------------------------------------

  private void startAttempt() {
    reconnectTask = null;
    state = ConnectionState.CONNECTING;
    int seq = ++attemptSeq;
    CompletionStage<String> token;
    TokenSource source = config.tokenSource();
    try {
      token =
          source == null
              ? CompletableFuture.completedFuture(null)
              : Objects.requireNonNull(source.token(), "the token source returned null");
    } catch (RuntimeException e) {
      token = CompletableFuture.failedFuture(e);
    }
    token.whenComplete(
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
                    openSocket(t);
                  }
                }));
  }

  private void openSocket(String token) {
    URI base;
    WebSocketClient ws;
    try {
      base = NodeUris.check(Objects.requireNonNull(uris.get(), "the URI supplier returned null"));
      URI target =
          token != null && config.tokenDelivery() == TokenDelivery.QUERY
              ? NodeUris.withToken(base, token)
              : base;
      ws = WebSocketClient.create(target, settingsFor(token), loop.group());
    } catch (RuntimeException e) {
      attemptFailed(e);
      return;
    }
    socket = ws;
    socketUri = base;
    ws.onMessage(
        (c, m) -> {
          if (c == socket) {
            received(m);
          }
        });
    ws.onClose(
        (c, e) -> {
          if (c == socket) {
            socketClosed(e);
          }
        });
    ws.onError(
        (c, e) -> {
          if (c == socket) {
            listeners.error(e, null); // a protocol error; the close that follows says more
          }
        });
    ws.connect()
        .whenComplete(
            (v, e) ->
                loop.execute(
                    null,
                    () -> {
                      if (ws != socket) {
                        ws.shutdown(); // abandoned: the client closed meanwhile
                      } else if (e != null) {
                        socket = null;
                        ws.shutdown();
                        attemptFailed(e);
                      } else {
                        socketOpened(ws, token);
                      }
                    }));
  }

  private ClientSettings settingsFor(String token) {
    ClientSettings.Builder b =
        config.transport().toBuilder()
            .subprotocols(SUBPROTOCOL)
            .reconnect(ReconnectPolicy.DISABLED);
    if (token != null && config.tokenDelivery() == TokenDelivery.HEADER) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private void socketOpened(WebSocketClient ws, String token) {
    if (!SUBPROTOCOL.equals(ws.subprotocol())) {
      listeners.error(
          new PushwireException(
              PushwireException.BAD_RESPONSE,
              "the node at " + socketUri + " did not accept the subprotocol " + SUBPROTOCOL),
          null);
      ws.close(NORMAL_CLOSE, SUBPROTOCOL + " required");
      return;
    }
    if (token == null || config.tokenDelivery() != TokenDelivery.CONNECT_COMMAND) {
      becomeOpen();
      return;
    }
    PendingCommand connect = command("connect", FrameCodec.fields().put("token", token), false);
    send(connect); // before any other command: the node runs nothing else until it succeeds
    connect.reply.whenComplete(
        (r, e) -> {
          if (ws != socket) {
            return;
          }
          if (e != null) {
            listeners.error(unwrap(e), null);
            // The node closes after a refused connect (4001); a node that does not answer is let
            // go.
            ws.close(UNRESPONSIVE_CLOSE, "connect failed");
          } else {
            JsonNode u = r.get("user");
            user = u != null && u.isTextual() ? u.textValue() : null;
            becomeOpen();
          }
        });
  }

  private void becomeOpen() {
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
    for (ChannelSubscription sub : subscriptions.values()) {
      if (!sub.ended && sub.inFlight == 0 && !sub.live) {
        sendSubscribe(sub);
      }
    }
    while (ready && !queue.isEmpty()) {
      send(queue.poll());
    }
    startPing();
    settleAll(connectWaiters, null);
  }

  private void socketClosed(CloseEvent event) {
    WebSocketClient ws = socket;
    socket = null;
    ws.shutdown(); // on the loop it does not wait; the shared group stays up
    boolean wasOpen = state == ConnectionState.OPEN;
    ready = false;
    connectedUri = null;
    stopPing();
    for (ChannelSubscription sub : subscriptions.values()) {
      sub.live = false;
      sub.inFlight = 0;
    }
    failSent(
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

  private void attemptFailed(Throwable cause) {
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
    while (!queue.isEmpty()) {
      PendingCommand c = queue.poll();
      settle(c, null, e);
    }
    listeners.error(e, null);
  }

  private void closeOnLoop(CompletableFuture<Void> closed) {
    boolean wasOpen = state == ConnectionState.OPEN;
    state = ConnectionState.CLOSED;
    ready = false;
    connectedUri = null;
    if (reconnectTask != null) {
      reconnectTask.cancel(false);
      reconnectTask = null;
    }
    stopPing();
    PushwireException e = ClientErrors.closed();
    for (PendingCommand c : new ArrayList<>(pending.values())) {
      settle(c, null, e);
    }
    queue.clear();
    settleAll(connectWaiters, e);
    for (ChannelSubscription sub : subscriptions.values()) {
      end(sub, e);
    }
    subscriptions.clear();
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

  private void startPing() {
    Duration every = config.pingInterval();
    if (every.isZero()) {
      return;
    }
    pingTask = loop.scheduleAtFixedRate(this::pingOnce, every);
  }

  private void pingOnce() {
    if (!ready) {
      return;
    }
    WebSocketClient ws = socket;
    command("ping", FrameCodec.fields(), false)
        .reply
        .whenComplete(
            (r, e) -> {
              if (e != null && isCode(e, PushwireException.TIMEOUT) && ws == socket) {
                // No answer in time: the connection is dead even if the socket has not noticed.
                ws.close(UNRESPONSIVE_CLOSE, "ping timeout");
              }
            });
  }

  private void stopPing() {
    if (pingTask != null) {
      pingTask.cancel(false);
      pingTask = null;
    }
  }

  // ---- commands, on the event loop ----------------------------------------------------------

  /** Runs a public command: on the loop, waiting for a connection up to the command timeout. */
  private CompletableFuture<JsonNode> call(String op, ObjectNode fields) {
    CompletableFuture<JsonNode> out = new CompletableFuture<>();
    loop.execute(
        out,
        () ->
            command(op, fields, true)
                .reply
                .whenComplete(
                    (r, e) -> {
                      if (e != null) {
                        out.completeExceptionally(unwrap(e));
                      } else {
                        out.complete(r);
                      }
                    }));
    return out;
  }

  /**
   * A new command. Sent at once when a connection is ready; otherwise queued when {@code queueable}
   * (else it fails with {@link PushwireException#DISCONNECTED}). The {@code connect} command is
   * made with {@code queueable} false and sent by its caller.
   */
  private PendingCommand command(String op, ObjectNode fields, boolean queueable) {
    long id = nextId++;
    ObjectNode cmd = FrameCodec.fields().put("id", id).put("op", op);
    cmd.setAll(fields);
    PendingCommand c = new PendingCommand(id, op, cmd.toString());
    if (state == ConnectionState.CLOSED) {
      c.reply.completeExceptionally(ClientErrors.closed());
      return c;
    }
    boolean handshake = op.equals("connect");
    if (!ready && !queueable && !handshake) {
      c.reply.completeExceptionally(
          new PushwireException(PushwireException.DISCONNECTED, op + ": not connected"));
      return c;
    }
    pending.put(id, c);
    Duration timeout = config.commandTimeout();
    c.timeout =
        loop.schedule(
            () ->
                settle(
                    c,
                    null,
                    new PushwireException(
                        PushwireException.TIMEOUT, op + ": no reply within " + timeout)),
            timeout);
    if (ready) {
      send(c);
    } else if (!handshake) {
      queue.add(c);
    }
    return c;
  }

  private void send(PendingCommand c) {
    c.sent = true;
    socket.sendText(c.text); // a failed write closes the connection, which fails c
  }

  /** Completes {@code c} once, with a result or an error, and forgets it. */
  private void settle(PendingCommand c, JsonNode result, PushwireException error) {
    pending.remove(c.id);
    if (!c.sent) {
      queue.remove(c);
    }
    if (c.timeout != null) {
      c.timeout.cancel(false);
    }
    if (error != null) {
      c.reply.completeExceptionally(error);
    } else {
      c.reply.complete(result);
    }
  }

  /** Fails the commands sent on the connection that closed; queued ones wait for the next. */
  private void failSent(PushwireException error) {
    for (PendingCommand c : new ArrayList<>(pending.values())) {
      if (c.sent) {
        settle(c, null, error);
      }
    }
  }

  // ---- messages from the node, on the event loop --------------------------------------------

  private void received(Message m) {
    if (m.binary()) {
      listeners.error(badResponse("a binary message (pushwire.v1 is text)"), null);
      return;
    }
    JsonNode msg;
    try {
      msg = FrameCodec.read(m.data());
    } catch (IOException e) {
      listeners.error(badResponse("not JSON: " + abbreviate(m.text())), null);
      return;
    }
    if (msg == null || !msg.isObject()) {
      listeners.error(badResponse("not a JSON object: " + abbreviate(m.text())), null);
      return;
    }
    if (msg.has("id")) {
      reply(msg);
      return;
    }
    JsonNode channel = msg.get("channel");
    if (channel != null && channel.isTextual()) {
      JsonNode notice = msg.get("unsubscribed");
      if (notice != null) {
        unsubscribedNotice(channel.textValue(), notice);
        return;
      }
      JsonNode offset = msg.get("offset");
      JsonNode epoch = msg.get("epoch");
      JsonNode data = msg.get("data");
      if (offset != null
          && offset.isIntegralNumber()
          && offset.canConvertToLong()
          && epoch != null
          && epoch.isTextual()
          && data != null) {
        push(channel.textValue(), offset.longValue(), epoch.textValue(), data);
      } else {
        listeners.error(
            badResponse("a push without offset, epoch or data: " + abbreviate(m.text())),
            channel.textValue());
      }
      return;
    }
    JsonNode data = msg.get("data");
    if (data != null) {
      listeners.message(new DirectMessage(data));
    }
    // Anything else is a message kind this client does not know yet: ignored, so that a newer node
    // can add kinds without breaking older clients.
  }

  private void reply(JsonNode msg) {
    JsonNode id = msg.get("id");
    JsonNode error = msg.get("error");
    if (id.isNull()) {
      // The node could not read a command's id: nothing to match it with.
      listeners.error(errorOf(error, "the node could not read a command"), null);
      return;
    }
    if (!id.canConvertToLong()) {
      return; // not an id this client sent
    }
    PendingCommand c = pending.get(id.asLong());
    if (c == null) {
      return; // timed out already
    }
    if (error != null) {
      settle(c, null, errorOf(error, "the node refused " + c.op));
      return;
    }
    JsonNode result = msg.get("result");
    if (result == null || !result.isObject()) {
      settle(c, null, badResponse("a reply to " + c.op + " without a result object"));
    } else {
      settle(c, result, null);
    }
  }

  private void push(String channel, long offset, String epoch, JsonNode data) {
    ChannelSubscription sub = subscriptions.get(channel);
    if (sub == null || sub.ended) {
      return; // unsubscribed: a push that was already on its way
    }
    switch (sub.cursor.check(offset, epoch)) {
      case DUPLICATE -> {}
      case HANDLE -> {
        sub.cursor.advance(offset, epoch);
        sub.moved();
        listeners.publication(sub, new Publication(channel, offset, epoch, data, null));
      }
      case GAP -> {
        if (!sub.live) {
          return; // a subscribe with since is on its way; its answer fills the gap
        }
        Position since = sub.cursor.position();
        listeners.resubscribing(
            new ResubscribingEvent(
                channel,
                ResubscribingEvent.Cause.GAP,
                since,
                "gap",
                "expected offset "
                    + (since.offset() + 1)
                    + " of epoch "
                    + since.epoch()
                    + ", got offset "
                    + offset
                    + " of epoch "
                    + epoch));
        if (!sub.ended && sub.live && ready) {
          resync(sub);
        }
      }
    }
  }

  private void unsubscribedNotice(String channel, JsonNode notice) {
    ChannelSubscription sub = subscriptions.get(channel);
    if (sub == null || sub.ended) {
      return;
    }
    String code = text(notice, "code", "unsubscribed");
    String message = text(notice, "message", "");
    if (!notice.path("resubscribe").asBoolean(false)) {
      end(
          sub,
          new PushwireException(
              code, message.isEmpty() ? "the node ended the subscription" : message));
      return;
    }
    sub.live = false;
    listeners.resubscribing(
        new ResubscribingEvent(
            channel, ResubscribingEvent.Cause.UNSUBSCRIBED, sub.cursor.position(), code, message));
    // The node ended the subscription itself: subscribe again, no unsubscribe needed. If a command
    // for it is in flight, its answer leads to a subscribe anyway.
    if (!sub.ended && ready && sub.inFlight == 0) {
      sendSubscribe(sub);
    }
  }

  // ---- subscriptions, on the event loop -----------------------------------------------------

  private void sendSubscribe(ChannelSubscription sub) {
    Position since = sub.cursor.position();
    boolean resubscribed = sub.everLive;
    ObjectNode fields = channelFields(sub.channel);
    if (since != null) {
      fields.set("since", positionNode(since));
    }
    sub.live = false;
    int gen = ++sub.generation;
    PendingCommand c = command("subscribe", fields, false);
    sub.inFlight = c.id;
    c.reply.whenComplete(
        (r, e) -> {
          if (sub.ended || sub.generation != gen) {
            return;
          }
          sub.inFlight = 0;
          if (e != null) {
            subscribeFailed(sub, unwrap(e));
          } else {
            subscribed(sub, r, since, resubscribed);
          }
        });
  }

  private void subscribed(
      ChannelSubscription sub, JsonNode result, Position since, boolean resubscribed) {
    Position top;
    try {
      top = position(result, "subscribe");
    } catch (PushwireException e) {
      subscribeFailed(sub, e);
      return;
    }
    boolean recovered = result.path("recovered").asBoolean(false);
    LostEvent lost = recovered ? null : notRecovered(sub, since, top, result.get("lost"));
    sub.live = true;
    sub.everLive = true;
    sub.retries = 0;
    sub.moved();
    SubscribedEvent event = new SubscribedEvent(sub.channel, recovered, resubscribed, top);
    sub.ready.complete(event);
    listeners.subscribed(event);
    if (lost != null) {
      listeners.lost(lost);
    }
  }

  /**
   * Moves the cursor after a subscribe answered {@code "recovered": false}, and says what was lost
   * if the subscribe asked for {@code since}, following docs/PROTOCOL.md "Recovery": the last
   * position becomes {@code lost.to} when {@code lost} is present, offset 0 of the new epoch when
   * the epoch changed (the node sends that epoch from its start), and the reply's offset otherwise.
   */
  private static LostEvent notRecovered(
      ChannelSubscription sub, Position since, Position top, JsonNode lost) {
    ChannelCursor cursor = sub.cursor;
    if (since == null) {
      // A new subscription: carry on from where it went live, unless a later push of the same epoch
      // came first.
      if (!cursor.known()
          || !cursor.epoch().equals(top.epoch())
          || cursor.offset() < top.offset()) {
        cursor.set(top);
      }
      return null;
    }
    boolean sameEpoch = cursor.known() && cursor.epoch().equals(top.epoch());
    if (lost != null && lost.isObject() && lost.path("to").canConvertToLong()) {
      long from = Math.max(1, lost.path("from").asLong(1));
      long to = lost.path("to").asLong();
      if (sameEpoch && to <= cursor.offset()) {
        return null; // handled meanwhile
      }
      long first = sameEpoch ? Math.max(from, cursor.offset() + 1) : from;
      cursor.set(new Position(to, top.epoch()));
      return new LostEvent(sub.channel, since, cursor.position(), first, to);
    }
    if (!sameEpoch) {
      // The epoch of our position ended: what followed it is unknown; the new epoch follows from
      // its start. (A node that sends only live publications then shows a gap at the first one,
      // and the resubscribe that follows fills the new epoch from history.)
      cursor.set(new Position(0, top.epoch()));
      return new LostEvent(sub.channel, since, cursor.position(), 0, 0);
    }
    if (cursor.offset() == top.offset()) {
      return null; // nothing was published since: nothing is missing
    }
    // The same epoch without lost: ahead of the channel, or a node that names no lost range.
    long from = cursor.offset() < top.offset() ? cursor.offset() + 1 : 0;
    long to = from > 0 ? top.offset() : 0;
    cursor.set(top);
    return new LostEvent(sub.channel, since, top, from, to);
  }

  private void subscribeFailed(ChannelSubscription sub, PushwireException e) {
    switch (e.code()) {
      case PushwireException.DISCONNECTED -> {} // sent again when a connection is ready
      case PushwireException.TIMEOUT -> {
        // The node did not answer on an open connection: start over on a new one.
        if (socket != null && ready) {
          socket.close(UNRESPONSIVE_CLOSE, "subscribe timeout");
        }
      }
      case PushwireException.UNAVAILABLE,
          PushwireException.INTERNAL,
          PushwireException.RATE_LIMITED,
          PushwireException.NOT_SUBSCRIBED,
          PushwireException.ALREADY_SUBSCRIBED,
          PushwireException.BAD_RESPONSE ->
          retrySubscribe(sub, e);
      default -> end(sub, e); // refused: bad_channel, forbidden, too_many_subscriptions, ...
    }
  }

  private void retrySubscribe(ChannelSubscription sub, PushwireException e) {
    listeners.error(e, sub.channel);
    int attempt = Math.min(++sub.retries, 30);
    Duration delay =
        config.reconnect().delayBefore(attempt, ThreadLocalRandom.current().nextDouble());
    int gen = sub.generation;
    boolean unsubscribeFirst = PushwireException.ALREADY_SUBSCRIBED.equals(e.code());
    loop.schedule(
        () -> {
          if (!sub.ended && sub.generation == gen && ready && sub.inFlight == 0 && !sub.live) {
            if (unsubscribeFirst) {
              resync(sub);
            } else {
              sendSubscribe(sub);
            }
          }
        },
        delay);
  }

  /** Unsubscribes, then subscribes with {@code since} = the cursor, on the open connection. */
  private void resync(ChannelSubscription sub) {
    sub.live = false;
    int gen = ++sub.generation;
    PendingCommand c = command("unsubscribe", channelFields(sub.channel), false);
    sub.inFlight = c.id;
    c.reply.whenComplete(
        (r, e) -> {
          if (sub.ended || sub.generation != gen) {
            return;
          }
          sub.inFlight = 0;
          // Whatever the answer (unsubscribe succeeds also when not subscribed); after a close, the
          // next connection subscribes anyway.
          if (ready) {
            sendSubscribe(sub);
          }
        });
  }

  /** Ends {@code sub} for a reason other than the user's unsubscribe. */
  private void end(ChannelSubscription sub, PushwireException e) {
    subscriptions.remove(sub.channel, sub);
    boolean wasActive = !sub.ended;
    sub.ended = true;
    sub.live = false;
    sub.ready.completeExceptionally(e);
    if (wasActive && state != ConnectionState.CLOSED) {
      listeners.error(e, sub.channel);
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
