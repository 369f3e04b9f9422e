package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One connection's subscription to one channel. Until it goes live it is pending: publications that
 * arrive meanwhile are buffered here and merged with the history read, so the client sees no gap
 * and no duplicate.
 */
final class Subscription {
  final LocalConnection connection;
  final String channel;
  final StreamPosition since;
  final Instant subscribedAt;

  /** Runs under the channel's lock just before the subscription goes live; may be a no-op. */
  final Consumer<SubscribeResult> beforeLive;

  /**
   * Publications delivered while pending; guarded by the channel state's monitor. Replaced by the
   * shared empty list once the subscription is out of the pending set, so that a live one does not
   * keep an empty list of its own.
   */
  List<Publication> buffer = new ArrayList<>();

  /** Set when the buffer outgrew its bound; guarded by the channel state's monitor. */
  boolean overflowed;

  /**
   * Set when the broker reported a gap in the channel's stream while this was pending; guarded by
   * the channel state's monitor.
   */
  boolean gapped;

  /** The channel this subscription joined; set under the connection's monitor. */
  ChannelState state;

  /** The registry write that recorded presence; later removals wait for it. */
  CompletionStage<Void> presenceWrite = DONE;

  /** A write already done: shared, as a registry in memory completes each write at once. */
  static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

  Subscription(
      LocalConnection connection,
      String channel,
      StreamPosition since,
      Instant subscribedAt,
      Consumer<SubscribeResult> beforeLive) {
    this.connection = connection;
    this.channel = channel;
    this.since = since;
    this.subscribedAt = subscribedAt;
    this.beforeLive = beforeLive;
  }
}
