package dev.pushwire.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.Message;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.Broker;
import dev.pushwire.hub.BrokerListener;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.Registry;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.UserResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Hub}: wires server events to the {@link ChannelIndex}, the {@link Registry} and the
 * {@link V1ProtocolHandler}, and offers the Java API. Tests drive it without a server through
 * {@link #handleOpen}, {@link #handleMessage} and {@link #handleClose} and a fake {@link Delivery}.
 */
public final class HubImpl implements Hub {
  private static final Logger log = LoggerFactory.getLogger(HubImpl.class);
  private static final Duration PROBLEM_LOG_INTERVAL = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final int MAX_REASON_BYTES = 123;
  private static final String STREAM_GAP = "stream_gap";
  private static final String RESUBSCRIBE = "resubscribe";

  private final Delivery delivery;
  private final WebSocketServer server;
  private final HubConfig config;
  private final Broker broker;
  private final Registry registry;
  private final boolean ownsBackends;
  private final Clock clock;
  private final ChannelIndex index;
  private final V1ProtocolHandler protocol;
  private final LimitCounters limits = new LimitCounters();
  private final LimitCounters signals = new LimitCounters();
  private final ConcurrentHashMap<Long, LocalConnection> connections = new ConcurrentHashMap<>();
  private final ThrottledLog registryProblems =
      new ThrottledLog(log, "Registry write", PROBLEM_LOG_INTERVAL);
  private final AtomicBoolean refreshStarted = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile TimerHandle refreshTimer;

  private volatile OpenListener openHook;
  private volatile MessageListener messageHook;
  private volatile CloseListener closeHook;
  private volatile AccessPolicy policy = AccessPolicy.DEFAULT;
  private volatile UserResolver userResolver = UserResolver.NONE;
  private volatile CommandHandler commandHandler = CommandHandler.NONE;
  private volatile Predicate<ConnectionInfo> managed = c -> true;

  /**
   * A hub delivering through {@code delivery}; {@code server} is passed to the user hooks and may
   * be {@code null} in tests. Starts {@code broker}.
   */
  public HubImpl(
      Delivery delivery,
      WebSocketServer server,
      HubConfig config,
      Broker broker,
      Registry registry,
      boolean ownsBackends,
      Clock clock) {
    this.delivery = Objects.requireNonNull(delivery, "delivery");
    this.server = server;
    this.config = Objects.requireNonNull(config, "config");
    this.broker = Objects.requireNonNull(broker, "broker");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ownsBackends = ownsBackends;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.index = new ChannelIndex(broker, delivery, this::subscriptionLost);
    this.protocol = new V1ProtocolHandler(this, delivery, config);
    broker.start(
        new BrokerListener() {
          @Override
          public void onPublication(String channel, Publication publication) {
            index.onPublication(channel, publication);
          }

          @Override
          public void onGap(String channel, StreamPosition lastDelivered) {
            signals.increment(STREAM_GAP);
            index.onGap(channel, lastDelivered);
          }
        });
  }

  /** Creates a hub on {@code server} and sets the server's open, message and close listeners. */
  public static Hub install(
      WebSocketServer server,
      HubConfig config,
      Broker broker,
      Registry registry,
      boolean ownsBackends) {
    HubImpl hub =
        new HubImpl(
            new ServerDelivery(server),
            server,
            config,
            broker,
            registry,
            ownsBackends,
            Clock.systemUTC());
    server.onOpen((srv, info) -> hub.handleOpen(info));
    server.onMessage((srv, message) -> hub.handleMessage(message));
    server.onClose((srv, event) -> hub.handleClose(event));
    return hub;
  }

  // ---- server events ------------------------------------------------------------------------

  /** A connection opened. */
  public void handleOpen(ConnectionInfo info) {
    try {
      if (!closed.get() && managed.test(info)) {
        open(info);
      }
    } catch (RuntimeException e) {
      log.error("Setting up connection {} failed", info.connectionId(), e);
      delivery.close(info.connectionId(), CloseCodes.INTERNAL_ERROR, "internal error");
    }
    OpenListener hook = openHook;
    if (hook != null) {
      try {
        hook.onOpen(server, info);
      } catch (Exception e) {
        log.error("onOpen hook failed for connection {}", info.connectionId(), e);
      }
    }
  }

  /** A message arrived. */
  public void handleMessage(Message message) {
    LocalConnection c = connections.get(message.connectionId());
    if (c != null && c.v1) {
      protocol.handle(c, message);
      return;
    }
    MessageListener hook = messageHook;
    if (hook != null) {
      try {
        hook.onMessage(server, message);
      } catch (Exception e) {
        log.error("onMessage hook failed for connection {}", message.connectionId(), e);
      }
    }
  }

  /** A connection closed. */
  public void handleClose(CloseEvent event) {
    try {
      LocalConnection c = connections.remove(event.connectionId());
      if (c != null) {
        cleanUp(c);
      }
    } catch (RuntimeException e) {
      log.error("Cleaning up connection {} failed", event.connectionId(), e);
    }
    CloseListener hook = closeHook;
    if (hook != null) {
      try {
        hook.onClose(server, event);
      } catch (Exception e) {
        log.error("onClose hook failed for connection {}", event.connectionId(), e);
      }
    }
  }

  private void open(ConnectionInfo info) {
    boolean v1 = SUBPROTOCOL.equals(info.subprotocol());
    LocalConnection c = new LocalConnection(info, v1, resolveUser(info), config.nodeId());
    if (v1 && config.commandRate() > 0) {
      c.commands = new TokenBucket(config.commandRate(), config.commandBurst(), clock.millis());
    }
    connections.put(c.id, c);
    if (v1) {
      // A v1 client that cannot keep up reconnects and recovers what it missed from history.
      delivery.closeWhenSlow(c.id, CLOSE_SLOW_CONSUMER, "slow consumer");
    }
    startRefreshTimer();
    synchronized (c) {
      registryWrite(() -> registry.register(c.record()));
    }
    if (!v1) {
      subscribePlain(c);
    }
  }

  private void subscribePlain(LocalConnection c) {
    List<String> channels = plainChannels(c.info.query().get(CHANNEL_PARAM));
    String problem = plainChannelProblem(channels);
    if (problem == null) {
      for (String ch : channels) {
        if (!policy.canSubscribe(c.info, ch)) {
          limits.increment(LimitCounters.FORBIDDEN);
          problem = ErrorCode.FORBIDDEN.code() + ": subscribing to " + ch + " is not allowed";
          break;
        }
      }
    }
    if (problem != null) {
      delivery.close(c.id, CloseCodes.POLICY_VIOLATION, closeReason(problem));
      return;
    }
    for (String ch : channels) {
      subscribe(c.id, ch, null, r -> {})
          .whenComplete(
              (r, e) -> {
                if (e == null) {
                  return;
                }
                HubException h = Futures.toHubException(e, "subscribe");
                if (h.code() == ErrorCode.NOT_SUBSCRIBED || h.code() == ErrorCode.NO_CONNECTION) {
                  return; // the connection closed meanwhile
                }
                log.warn("Subscribing connection {} to {} failed: {}", c.id, ch, h.getMessage());
                int code =
                    h.code() == ErrorCode.UNAVAILABLE
                        ? CloseCodes.TRY_AGAIN_LATER
                        : CloseCodes.INTERNAL_ERROR;
                delivery.close(c.id, code, closeReason(h.code().code() + ": " + h.getMessage()));
              });
    }
  }

  private List<String> plainChannels(List<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return List.of(config.defaultChannel());
    }
    return List.copyOf(new LinkedHashSet<>(requested));
  }

  private String plainChannelProblem(List<String> channels) {
    for (String ch : channels) {
      if (!ChannelName.isValid(ch)) {
        try {
          ChannelName.requireValid(ch);
        } catch (HubException e) {
          return e.code().code() + ": " + e.getMessage();
        }
      }
    }
    if (channels.size() > config.maxSubscriptionsPerConnection()) {
      limits.increment(LimitCounters.TOO_MANY_SUBSCRIPTIONS);
      return ErrorCode.TOO_MANY_SUBSCRIPTIONS.code()
          + ": "
          + channels.size()
          + " channels requested, at most "
          + config.maxSubscriptionsPerConnection()
          + " allowed";
    }
    return null;
  }

  private String resolveUser(ConnectionInfo info) {
    try {
      return userResolver.user(info);
    } catch (RuntimeException e) {
      log.warn("User resolver failed for connection {}", info.connectionId(), e);
      return null;
    }
  }

  private void cleanUp(LocalConnection c) {
    synchronized (c) {
      c.closed = true;
      for (Subscription sub : c.subscriptions.values()) {
        index.leave(sub);
        removePresenceAfter(sub);
      }
      c.subscriptions.clear();
      registryWrite(() -> registry.unregister(c.record()));
    }
  }

  private void startRefreshTimer() {
    if (refreshStarted.compareAndSet(false, true)) {
      try {
        refreshTimer =
            delivery.every(
                config.registryRefreshInterval(), () -> registryWrite(registry::refresh));
      } catch (IllegalStateException e) {
        // The server began to stop as this first connection opened: it closes the connection
        // with 1001 itself, and there is nothing left to refresh.
        refreshStarted.set(false);
        log.debug("Registry refresh not started: {}", e.getMessage());
      }
    }
  }

  // ---- Java API -----------------------------------------------------------------------------

  @Override
  public HubConfig config() {
    return config;
  }

  @Override
  public String nodeId() {
    return config.nodeId();
  }

  @Override
  public Broker broker() {
    return broker;
  }

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public Hub onOpen(OpenListener listener) {
    this.openHook = listener;
    return this;
  }

  @Override
  public Hub onMessage(MessageListener listener) {
    this.messageHook = listener;
    return this;
  }

  @Override
  public Hub onClose(CloseListener listener) {
    this.closeHook = listener;
    return this;
  }

  @Override
  public Hub accessPolicy(AccessPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  @Override
  public Hub userResolver(UserResolver resolver) {
    this.userResolver = Objects.requireNonNull(resolver, "resolver");
    return this;
  }

  @Override
  public Hub manages(Predicate<ConnectionInfo> filter) {
    this.managed = Objects.requireNonNull(filter, "filter");
    return this;
  }

  /** The current time for rate limits, from the hub's clock. */
  long nowMillis() {
    return clock.millis();
  }

  /** The hub's limit counters. */
  LimitCounters limits() {
    return limits;
  }

  @Override
  public Map<String, Long> limitsTriggered() {
    return limits.snapshot();
  }

  @Override
  public Map<String, Long> deliverySignals() {
    return signals.snapshot();
  }

  /**
   * The index dropped {@code connectionId}'s subscription to {@code channel} after a gap in the
   * channel's stream: forget it, then ask the client to resubscribe. The client can only send its
   * new subscribe after the notice, which goes out after the subscription is forgotten here.
   */
  private void subscriptionLost(long connectionId, String channel) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return;
    }
    synchronized (c) {
      Subscription sub = c.subscriptions.get(channel);
      if (c.closed || sub == null || index.holds(sub)) {
        return; // closed, unsubscribed meanwhile, or already subscribed again
      }
      c.subscriptions.remove(channel);
      removePresenceAfter(sub);
      registryWrite(() -> registry.register(c.record()));
    }
    signals.increment(RESUBSCRIBE);
    delivery.send(
        connectionId,
        PushEncoder.unsubscribed(
            channel,
            "insufficient_state",
            "this node missed publications on "
                + channel
                + " that it cannot read from history: subscribe again with since"));
  }

  @Override
  public Hub commandHandler(CommandHandler handler) {
    this.commandHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /** The extra commands in force. */
  CommandHandler commands() {
    return commandHandler;
  }

  /** The access policy in force. */
  AccessPolicy policy() {
    return policy;
  }

  @Override
  public HandshakeDecision checkHandshake(HandshakeRequest request) {
    if (SUBPROTOCOL.equals(request.selectedSubprotocol())) {
      return HandshakeDecision.accept();
    }
    String problem = plainChannelProblem(plainChannels(request.query().get(CHANNEL_PARAM)));
    return problem == null ? HandshakeDecision.accept() : HandshakeDecision.reject(400, problem);
  }

  @Override
  public CompletionStage<SubscribeResult> subscribe(long connectionId, String channel) {
    return subscribe(connectionId, channel, null);
  }

  @Override
  public CompletionStage<SubscribeResult> subscribe(
      long connectionId, String channel, StreamPosition since) {
    return subscribe(connectionId, channel, since, r -> {});
  }

  /**
   * Subscribes; {@code beforeLive} runs under the channel's lock once the outcome is known, before
   * any missed or live publication is sent (the protocol sends its reply there).
   */
  CompletableFuture<SubscribeResult> subscribe(
      long connectionId,
      String channel,
      StreamPosition since,
      Consumer<SubscribeResult> beforeLive) {
    try {
      ChannelName.requireValid(channel);
      LocalConnection c = connection(connectionId);
      Subscription sub;
      CompletableFuture<Void> interest;
      synchronized (c) {
        if (c.closed) {
          throw noConnection(connectionId);
        }
        if (c.subscriptions.containsKey(channel)) {
          throw new HubException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
        }
        if (c.subscriptions.size() >= config.maxSubscriptionsPerConnection()) {
          limits.increment(LimitCounters.TOO_MANY_SUBSCRIPTIONS);
          throw new HubException(
              ErrorCode.TOO_MANY_SUBSCRIPTIONS,
              "at most "
                  + config.maxSubscriptionsPerConnection()
                  + " subscriptions per connection");
        }
        sub = new Subscription(c, channel, since, clock.instant(), beforeLive);
        c.subscriptions.put(channel, sub);
        sub.presenceWrite =
            registryWrite(
                () ->
                    registry.addPresence(
                        channel,
                        new PresenceEntry(c.globalId, c.user, c.nodeId, sub.subscribedAt)));
        registryWrite(() -> registry.register(c.record()));
        interest = index.attach(sub);
      }
      CompletionStage<Void> presence = sub.presenceWrite;
      CompletableFuture<SubscribeResult> result = new CompletableFuture<>();
      index
          .recover(sub, interest)
          .thenCombine(presence, (r, ignored) -> r)
          .whenComplete(
              (r, e) -> {
                if (e == null) {
                  result.complete(r);
                } else {
                  dropFailed(sub);
                  result.completeExceptionally(Futures.toHubException(e, "subscribe"));
                }
              });
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "subscribe"));
    }
  }

  /** A subscription that failed to go live is forgotten, unless something else removed it. */
  private void dropFailed(Subscription sub) {
    LocalConnection c = sub.connection;
    synchronized (c) {
      if (c.subscriptions.remove(sub.channel, sub)) {
        index.leave(sub);
        removePresenceAfter(sub);
        if (!c.closed) {
          registryWrite(() -> registry.register(c.record()));
        }
      }
    }
  }

  @Override
  public CompletionStage<Void> unsubscribe(long connectionId, String channel) {
    try {
      ChannelName.requireValid(channel);
      LocalConnection c = connections.get(connectionId);
      if (c == null) {
        return CompletableFuture.completedFuture(null);
      }
      CompletionStage<Void> removal;
      synchronized (c) {
        Subscription sub = c.subscriptions.remove(channel);
        if (sub == null) {
          return CompletableFuture.completedFuture(null);
        }
        index.leave(sub);
        removal = removePresenceAfter(sub);
        registryWrite(() -> registry.register(c.record()));
      }
      return removal;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "unsubscribe"));
    }
  }

  @Override
  public boolean setUser(long connectionId, String user) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return false;
    }
    synchronized (c) {
      if (c.closed) {
        return false;
      }
      c.user = user;
      registryWrite(() -> registry.register(c.record()));
    }
    return true;
  }

  @Override
  public CompletionStage<Void> unsubscribeAll(long connectionId) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    synchronized (c) {
      for (Subscription sub : c.subscriptions.values()) {
        index.leave(sub);
        removals.add(removePresenceAfter(sub).toCompletableFuture());
      }
      c.subscriptions.clear();
      registryWrite(() -> registry.register(c.record()));
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, String json) {
    try {
      ChannelName.requireValid(channel);
      return publishJson(channel, Json.requireJson(json));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, JsonNode data) {
    try {
      ChannelName.requireValid(channel);
      if (data == null || data.isMissingNode()) {
        throw new HubException(ErrorCode.BAD_REQUEST, "data is missing (expected a JSON value)");
      }
      return publishData(channel, Json.writeBytes(data));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  @Override
  public CompletionStage<PublishResult> publishText(String channel, String text) {
    try {
      ChannelName.requireValid(channel);
      Objects.requireNonNull(text, "text");
      return publishJson(channel, Json.quote(text));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  /** Publishes JSON text already known to be valid to an already checked channel. */
  CompletableFuture<PublishResult> publishJson(String channel, String json) {
    return publishData(channel, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Publishes {@code data}, UTF-8 JSON already known to be valid, to an already checked channel.
   * The array is handed over: nothing may touch it afterwards, so the broker may keep it without a
   * copy.
   */
  CompletableFuture<PublishResult> publishData(String channel, byte[] data) {
    CompletableFuture<PublishResult> published =
        Futures.call(
            () -> broker.publishOwned(channel, data, config.publishOptions(channel)),
            "broker publish");
    return published.whenComplete(
        (r, e) -> {
          if (e != null
              && Futures.unwrap(e) instanceof HubException h
              && h.code() == ErrorCode.TOO_MANY_CHANNELS) {
            limits.increment(LimitCounters.TOO_MANY_CHANNELS);
          }
        });
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    try {
      ChannelName.requireValid(channel);
      Objects.requireNonNull(options, "options");
      return Futures.call(() -> broker.history(channel, options), "broker history");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "history"));
    }
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    try {
      ChannelName.requireValid(channel);
      return Futures.call(() -> registry.presence(channel), "registry presence");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "presence"));
    }
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    try {
      ChannelName.requireValid(channel);
      return Futures.call(() -> registry.presenceStats(channel), "registry presence");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "presence"));
    }
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return Futures.call(registry::connections, "registry connections");
  }

  @Override
  public Map<String, Integer> channels() {
    return index.counts();
  }

  @Override
  public Set<Long> subscribers(String channel) {
    return index.subscribers(channel);
  }

  @Override
  public Set<String> subscriptions(long connectionId) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return Set.of();
    }
    synchronized (c) {
      return Set.copyOf(c.subscriptions.keySet());
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    TimerHandle timer = refreshTimer;
    if (timer != null) {
      timer.cancel();
    }
    try {
      registry
          .removeNode(config.nodeId())
          .toCompletableFuture()
          .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while removing node {} from the registry", config.nodeId());
    } catch (Exception e) {
      log.warn("Removing node {} from the registry failed", config.nodeId(), Futures.unwrap(e));
    }
    if (ownsBackends) {
      broker.close();
      registry.close();
    }
  }

  @Override
  public String toString() {
    return "Hub{node=" + config.nodeId() + ", connections=" + connections.size() + '}';
  }

  // ---- helpers ------------------------------------------------------------------------------

  LocalConnection connection(long connectionId) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      throw noConnection(connectionId);
    }
    return c;
  }

  private static HubException noConnection(long connectionId) {
    return new HubException(
        ErrorCode.NO_CONNECTION, "no open hub connection with id " + connectionId);
  }

  /** Removes the presence entry once its write is done, so the two cannot be reordered. */
  private CompletionStage<Void> removePresenceAfter(Subscription sub) {
    String gid = sub.connection.globalId;
    return sub.presenceWrite.thenCompose(
        v -> registryWrite(() -> registry.removePresence(sub.channel, gid)));
  }

  /**
   * A registry write whose failure is logged (throttled) and otherwise ignored: presence and
   * listings may lag while the registry is down, but delivery goes on.
   */
  private CompletionStage<Void> registryWrite(Supplier<CompletionStage<Void>> write) {
    return Futures.call(write, "registry")
        .exceptionally(
            e -> {
              registryProblems.warn(e);
              return null;
            });
  }

  private static String closeReason(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return text;
    }
    int end = text.length();
    while (end > 0
        && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }
}
