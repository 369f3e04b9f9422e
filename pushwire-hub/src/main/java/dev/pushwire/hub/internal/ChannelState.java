package dev.pushwire.hub.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's subscribers of one channel. Membership changes and deliveries happen under this
 * object's monitor, which orders every push to a connection: nothing is delivered twice or skipped
 * while a subscription goes from pending to live. The sets themselves are concurrent so that counts
 * can be read without the lock.
 */
final class ChannelState {
  final String name;

  /** Live subscribers without a subprotocol: they receive raw payloads. */
  final Set<Long> plain = ConcurrentHashMap.newKeySet();

  /** Live {@code pushwire.v1} subscribers: they receive push envelopes. */
  final Set<Long> v1 = ConcurrentHashMap.newKeySet();

  /** Subscriptions still reading history, by connection id. */
  final Map<Long, Subscription> pending = new ConcurrentHashMap<>();

  /**
   * The last of the broker subscribe/unsubscribe calls for this channel, chained so that they reach
   * the broker one at a time in order. While the channel has subscribers it ends in a subscribe.
   * Guarded by this.
   */
  CompletableFuture<Void> interest = CompletableFuture.completedFuture(null);

  /** Unlinked from the index; a joiner that finds it so must fetch a fresh one. Guarded by this. */
  boolean removed;

  ChannelState(String name) {
    this.name = name;
  }

  int size() {
    return plain.size() + v1.size() + pending.size();
  }
}
