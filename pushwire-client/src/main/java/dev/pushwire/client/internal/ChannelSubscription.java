package dev.pushwire.client.internal;

import dev.pushwire.client.Position;
import dev.pushwire.client.PublicationListener;
import dev.pushwire.client.SubscribedEvent;
import dev.pushwire.client.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Subscription}: its listener and {@link ChannelCursor}, and where its (re)subscribing
 * stands on the current connection. The fields without {@code volatile} are touched on the client's
 * event loop only; {@link #position()} and {@link #isActive()} read volatile copies.
 */
final class ChannelSubscription implements Subscription {
  final String channel;
  final PublicationListener listener;
  final ChannelCursor cursor;
  final CompletableFuture<SubscribedEvent> ready = new CompletableFuture<>();
  private final Subscriptions owner;
  private volatile Position position;

  /** Set once, from any thread: no publication is delivered after it. */
  volatile boolean ended;

  /** The node answered a subscribe on the current connection and the stream has no known gap. */
  boolean live;

  /** The node answered a subscribe at least once: later answers are resubscriptions. */
  boolean everLive;

  /**
   * The id of the subscribe (or, while resyncing, unsubscribe) in flight on the current connection,
   * or 0: at most one at a time, so no path subscribes twice.
   */
  long inFlight;

  /** Bumped by every (re)subscribe, so that the answer to an older one is ignored. */
  int generation;

  /** Subscribes refused with a retryable error in a row. */
  int retries;

  ChannelSubscription(
      Subscriptions owner, String channel, Position since, PublicationListener listener) {
    this.owner = owner;
    this.channel = channel;
    this.listener = listener;
    this.cursor = new ChannelCursor(since);
    this.position = since;
  }

  /** Not ended, not live, no command in flight: it subscribes once a connection is ready. */
  boolean due() {
    return !ended && inFlight == 0 && !live;
  }

  /** Publishes the cursor's position to {@link #position()}. */
  void moved() {
    position = cursor.position();
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public CompletionStage<SubscribedEvent> ready() {
    return ready;
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public boolean isActive() {
    return !ended;
  }

  @Override
  public CompletionStage<Void> unsubscribe() {
    return owner.unsubscribe(this);
  }

  @Override
  public String toString() {
    return "Subscription{" + channel + ", position=" + position + ", active=" + !ended + '}';
  }
}
