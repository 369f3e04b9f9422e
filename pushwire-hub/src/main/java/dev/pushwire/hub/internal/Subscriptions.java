package dev.pushwire.hub.internal;

import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.spi.Broker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's hub connections and their channel subscriptions: joins each subscription to the
 * {@link ChannelIndex}, which recovers what it missed from history and takes it live, and keeps the
 * registry's record and presence of it through {@link RegistrySync}. A connection's subscriptions
 * change under its monitor, which is always taken before a channel's.
 */
final class Subscriptions {
  private static final String RESUBSCRIBE = "resubscribe";

  private final ConcurrentHashMap<Long, LocalConnection> connections = new ConcurrentHashMap<>();
  private final ChannelIndex index;
  private final Delivery delivery;
  private final RegistrySync registry;
  private final int maxPerConnection;
  private final Clock clock;
  private final LimitCounters limits;
  private final LimitCounters signals;

  Subscriptions(
      Broker broker,
      Delivery delivery,
      RegistrySync registry,
      HubConfig config,
      Clock clock,
      LimitCounters limits,
      LimitCounters signals) {
    this.index = new ChannelIndex(broker, delivery, this::lost);
    this.delivery = delivery;
    this.registry = registry;
    this.maxPerConnection = config.maxSubscriptionsPerConnection();
    this.clock = clock;
    this.limits = limits;
    this.signals = signals;
  }

  /** The index the broker's publications go to. */
  ChannelIndex index() {
    return index;
  }

  /** Takes {@code c} in and writes its registry record. */
  void add(LocalConnection c) {
    connections.put(c.id, c);
    synchronized (c) {
      registry.register(c);
    }
  }

  /** The open connection {@code connectionId}, or {@code null}. */
  LocalConnection get(long connectionId) {
    return connections.get(connectionId);
  }

  /** How many connections are open. */
  int size() {
    return connections.size();
  }

  /** {@code connectionId} closed: ends its subscriptions and removes its registry record. */
  void remove(long connectionId) {
    LocalConnection c = connections.remove(connectionId);
    if (c == null) {
      return;
    }
    synchronized (c) {
      c.closed = true;
      for (Subscription sub : c.subscriptions.values()) {
        leave(sub);
      }
      c.subscriptions.clear();
      registry.unregister(c);
    }
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
      LocalConnection c = connections.get(connectionId);
      if (c == null) {
        throw noConnection(connectionId);
      }
      Subscription sub;
      CompletableFuture<Void> interest;
      synchronized (c) {
        if (c.closed) {
          throw noConnection(connectionId);
        }
        if (c.subscriptions.containsKey(channel)) {
          throw new HubException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
        }
        if (c.subscriptions.size() >= maxPerConnection) {
          limits.increment(LimitCounters.TOO_MANY_SUBSCRIPTIONS);
          throw new HubException(
              ErrorCode.TOO_MANY_SUBSCRIPTIONS,
              "at most " + maxPerConnection + " subscriptions per connection");
        }
        sub = new Subscription(c, channel, since, clock.instant(), beforeLive);
        c.subscriptions.put(channel, sub);
        registry.addPresence(sub);
        registry.register(c);
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
        leave(sub);
        if (!c.closed) {
          registry.register(c);
        }
      }
    }
  }

  /** Ends {@code connectionId}'s subscription to {@code channel}, if it has one. */
  CompletionStage<Void> unsubscribe(long connectionId, String channel) {
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
        removal = leave(sub);
        registry.register(c);
      }
      return removal;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "unsubscribe"));
    }
  }

  /** Ends all of {@code connectionId}'s subscriptions. */
  CompletionStage<Void> unsubscribeAll(long connectionId) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    synchronized (c) {
      for (Subscription sub : c.subscriptions.values()) {
        removals.add(leave(sub).toCompletableFuture());
      }
      c.subscriptions.clear();
      registry.register(c);
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
  }

  /** Sets {@code connectionId}'s user; false if it is not open. */
  boolean setUser(long connectionId, String user) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return false;
    }
    synchronized (c) {
      if (c.closed) {
        return false;
      }
      c.user = user;
      registry.register(c);
    }
    return true;
  }

  /** The channels {@code connectionId} is subscribed to, pending or live. */
  Set<String> channelsOf(long connectionId) {
    LocalConnection c = connections.get(connectionId);
    if (c == null) {
      return Set.of();
    }
    synchronized (c) {
      return Set.copyOf(c.subscriptions.keySet());
    }
  }

  /**
   * The index dropped {@code connectionId}'s subscription to {@code channel} after a gap in the
   * channel's stream: forget it, then ask the client to resubscribe. The client can only send its
   * new subscribe after the notice, which goes out after the subscription is forgotten here.
   */
  private void lost(long connectionId, String channel) {
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
      registry.removePresenceAfter(sub);
      registry.register(c);
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

  /** Under the connection's monitor: takes {@code sub} out of its channel and its presence. */
  private CompletionStage<Void> leave(Subscription sub) {
    index.leave(sub);
    return registry.removePresenceAfter(sub);
  }

  private static HubException noConnection(long connectionId) {
    return new HubException(
        ErrorCode.NO_CONNECTION, "no open hub connection with id " + connectionId);
  }
}
