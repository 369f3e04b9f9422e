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
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.UserResolver;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.hub.spi.Registry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Hub}: a façade that wires server events and the Java API to the hub's parts: {@link
 * Subscriptions} (this node's connections and channel subscriptions, recovered from history),
 * {@link PlainClients} (clients that subscribe by URL), the {@link V1ProtocolHandler}, the {@link
 * Publisher} and {@link RegistrySync} (this node's records in the {@link Registry}). Tests drive it
 * without a server through {@link #handleOpen}, {@link #handleMessage} and {@link #handleClose} and
 * a fake {@link Delivery}.
 */
public final class HubImpl implements Hub {
  private static final Logger log = LoggerFactory.getLogger(HubImpl.class);
  private static final String STREAM_GAP = "stream_gap";

  private final Delivery delivery;
  private final AppListeners listeners;
  private final HubConfig config;
  private final Broker broker;
  private final Registry registry;
  private final boolean ownsBackends;
  private final Clock clock;
  private final RegistrySync registrySync;
  private final Subscriptions subscriptions;
  private final PlainClients plainClients;
  private final Publisher publisher;
  private final V1ProtocolHandler protocol;
  private final LimitCounters limits = new LimitCounters();
  private final LimitCounters signals = new LimitCounters();
  private final AtomicBoolean closed = new AtomicBoolean();

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
    this.listeners = new AppListeners(server);
    this.config = Objects.requireNonNull(config, "config");
    this.broker = Objects.requireNonNull(broker, "broker");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ownsBackends = ownsBackends;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registrySync =
        new RegistrySync(registry, delivery, config.nodeId(), config.registryRefreshInterval());
    this.subscriptions =
        new Subscriptions(broker, delivery, registrySync, config, clock, limits, signals);
    this.plainClients = new PlainClients(subscriptions, delivery, config, limits, this::policy);
    this.publisher = new Publisher(broker, config, limits);
    this.protocol = new V1ProtocolHandler(this, subscriptions, publisher, delivery, config);
    ChannelIndex index = subscriptions.index();
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
    listeners.opened(info);
  }

  /** A message arrived. */
  public void handleMessage(Message message) {
    LocalConnection c = subscriptions.get(message.connectionId());
    if (c != null && c.v1) {
      protocol.handle(c, message);
      return;
    }
    listeners.received(message);
  }

  /** A connection closed. */
  public void handleClose(CloseEvent event) {
    try {
      subscriptions.remove(event.connectionId());
    } catch (RuntimeException e) {
      log.error("Cleaning up connection {} failed", event.connectionId(), e);
    }
    listeners.closed(event);
  }

  private void open(ConnectionInfo info) {
    boolean v1 = SUBPROTOCOL.equals(info.subprotocol());
    LocalConnection c = new LocalConnection(info, v1, resolveUser(info), config.nodeId());
    if (v1 && config.commandRate() > 0) {
      c.commands = new TokenBucket(config.commandRate(), config.commandBurst(), clock.millis());
    }
    if (v1) {
      // A v1 client that cannot keep up reconnects and recovers what it missed from history.
      delivery.closeWhenSlow(c.id, CLOSE_SLOW_CONSUMER, "slow consumer");
    }
    registrySync.startRefresh();
    subscriptions.add(c);
    if (!v1) {
      plainClients.subscribe(c);
      // Subscribed (or closing): nothing asks a plain client's handshake for headers again.
      c.forgetRequest();
    }
  }

  private String resolveUser(ConnectionInfo info) {
    try {
      return userResolver.user(info);
    } catch (RuntimeException e) {
      log.warn("User resolver failed for connection {}", info.connectionId(), e);
      return null;
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
    listeners.open = listener;
    return this;
  }

  @Override
  public Hub onMessage(MessageListener listener) {
    listeners.message = listener;
    return this;
  }

  @Override
  public Hub onClose(CloseListener listener) {
    listeners.close = listener;
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
    String problem = plainClients.handshakeProblem(request.query().get(CHANNEL_PARAM));
    return problem == null ? HandshakeDecision.accept() : HandshakeDecision.reject(400, problem);
  }

  @Override
  public CompletionStage<SubscribeResult> subscribe(long connectionId, String channel) {
    return subscribe(connectionId, channel, null);
  }

  @Override
  public CompletionStage<SubscribeResult> subscribe(
      long connectionId, String channel, StreamPosition since) {
    return subscriptions.subscribe(connectionId, channel, since, r -> {});
  }

  @Override
  public CompletionStage<Void> unsubscribe(long connectionId, String channel) {
    return subscriptions.unsubscribe(connectionId, channel);
  }

  @Override
  public boolean setUser(long connectionId, String user) {
    return subscriptions.setUser(connectionId, user);
  }

  @Override
  public CompletionStage<Void> unsubscribeAll(long connectionId) {
    return subscriptions.unsubscribeAll(connectionId);
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, String json) {
    return publisher.publish(channel, json);
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, JsonNode data) {
    return publisher.publish(channel, data);
  }

  @Override
  public CompletionStage<PublishResult> publishText(String channel, String text) {
    return publisher.publishText(channel, text);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    return read(
        channel,
        "history",
        () -> {
          Objects.requireNonNull(options, "options");
          return Futures.call(() -> broker.history(channel, options), "broker history");
        });
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    return read(
        channel,
        "presence",
        () -> Futures.call(() -> registry.presence(channel), "registry presence"));
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return read(
        channel,
        "presence",
        () -> Futures.call(() -> registry.presenceStats(channel), "registry presence"));
  }

  /** A read of {@code channel}'s data; a bad name, or any other throw, fails the stage. */
  private static <T> CompletionStage<T> read(
      String channel, String what, Supplier<CompletionStage<T>> read) {
    try {
      ChannelName.requireValid(channel);
      return read.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, what));
    }
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return Futures.call(registry::connections, "registry connections");
  }

  @Override
  public Map<String, Integer> channels() {
    return subscriptions.index().counts();
  }

  @Override
  public Set<Long> subscribers(String channel) {
    return subscriptions.index().subscribers(channel);
  }

  @Override
  public int subscriberCount(String channel) {
    return subscriptions.index().subscriberCount(channel);
  }

  @Override
  public Set<String> subscriptions(long connectionId) {
    return subscriptions.channelsOf(connectionId);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    registrySync.stop();
    if (ownsBackends) {
      broker.close();
      registry.close();
    }
  }

  @Override
  public String toString() {
    return "Hub{node=" + config.nodeId() + ", connections=" + subscriptions.size() + '}';
  }
}
