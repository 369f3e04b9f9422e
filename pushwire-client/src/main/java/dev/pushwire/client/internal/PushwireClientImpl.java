package dev.pushwire.client.internal;

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
import dev.pushwire.client.PublicationListener;
import dev.pushwire.client.PushwireClient;
import dev.pushwire.client.ReconnectingEvent;
import dev.pushwire.client.ResubscribingEvent;
import dev.pushwire.client.SubscribedEvent;
import dev.pushwire.client.Subscription;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@link PushwireClient}: its state lives on the one event loop of a group it owns ({@link
 * ClientLoop}), so it needs no locks; public methods hop onto that loop. The {@link Connection}
 * connects and reconnects, the {@link CommandTracker} matches commands with their replies, {@link
 * Subscriptions} keeps each channel's subscription and recovers it, {@link FrameRouter} routes what
 * the node sends, {@link ClientListeners} hands events to the user, and {@link FrameCodec} reads
 * and writes the JSON.
 */
public final class PushwireClientImpl implements PushwireClient {
  private static final long CLOSE_SLACK_MILLIS = 1000;

  private final ClientConfig config;
  private final ClientLoop loop;
  private final ClientListeners listeners = new ClientListeners();
  private final Connection connection;
  private final CommandTracker commands;
  private final Subscriptions subscriptions;

  private PushwireClientImpl(Supplier<URI> uris, ClientConfig config) {
    Objects.requireNonNull(uris, "uris");
    this.config = Objects.requireNonNull(config, "config");
    this.loop = new ClientLoop();
    this.connection = new Connection(uris, config, loop, listeners);
    this.commands = connection.commands();
    this.subscriptions = connection.subscriptions();
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
    return connection.connect();
  }

  @Override
  public Subscription subscribe(String channel, PublicationListener listener) {
    return subscribe(channel, null, listener);
  }

  @Override
  public Subscription subscribe(String channel, Position since, PublicationListener listener) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(listener, "listener");
    return subscriptions.add(channel, since, listener);
  }

  @Override
  public Subscription subscription(String channel) {
    return subscriptions.get(channel);
  }

  @Override
  public CompletionStage<Position> publish(String channel, JsonNode data) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(data, "data");
    ObjectNode fields = FrameCodec.channelFields(channel);
    fields.set("data", data);
    return commands.call("publish", fields).thenApply(r -> FrameCodec.position(r, "publish"));
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
    ObjectNode fields = FrameCodec.channelFields(channel);
    if (options.limit() >= 0) {
      fields.put("limit", options.limit());
    }
    if (options.since() != null) {
      fields.set("since", FrameCodec.positionNode(options.since()));
    }
    return commands.call("history", fields).thenApply(FrameCodec::historyResult);
  }

  @Override
  public CompletionStage<Presence> presence(String channel) {
    Objects.requireNonNull(channel, "channel");
    return commands
        .call("presence", FrameCodec.channelFields(channel))
        .thenApply(FrameCodec::presenceResult);
  }

  @Override
  public CompletionStage<Duration> ping() {
    long start = System.nanoTime();
    return commands
        .call("ping", FrameCodec.fields())
        .thenApply(r -> Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public CompletionStage<Instant> refresh(String token) {
    Objects.requireNonNull(token, "token");
    return commands
        .call("refresh", FrameCodec.fields().put("token", token))
        .thenApply(FrameCodec::expiresAt);
  }

  @Override
  public ConnectionState state() {
    return connection.state();
  }

  @Override
  public URI connectedUri() {
    return connection.connectedUri();
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
    loop.execute(closed, () -> connection.close(closed));
    loop.shutdownAfter(closed, config.transport().closeTimeout().plusMillis(CLOSE_SLACK_MILLIS));
  }

  @Override
  public String toString() {
    URI uri = connection.connectedUri();
    return "PushwireClient{" + connection.state() + (uri == null ? "" : " " + uri) + '}';
  }
}
