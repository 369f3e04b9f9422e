package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.unwrap;
import static dev.pushwire.client.internal.FrameCodec.channelFields;
import static dev.pushwire.client.internal.FrameCodec.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.client.Position;
import dev.pushwire.client.Publication;
import dev.pushwire.client.PublicationListener;
import dev.pushwire.client.PushwireException;
import dev.pushwire.client.ResubscribingEvent;
import dev.pushwire.client.Subscription;
import dev.pushwire.core.ReconnectPolicy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of a client, one per channel, and their recovery. Subscriptions are not queued
 * as commands are: every one is (re)sent by the {@link Resubscriber}, with {@code since} from its
 * {@link ChannelCursor}, whenever a connection becomes ready. On the same connection, a gap in a
 * channel's pushes unsubscribes and subscribes again from the cursor, and an {@code unsubscribed}
 * notice with {@code resubscribe} subscribes again. Apart from the map, touched on the client's
 * event loop only.
 */
final class Subscriptions {
  private final Connection connection;
  private final CommandTracker commands;
  private final ClientLoop loop;
  private final ClientListeners listeners;
  private final Resubscriber resubscriber;
  private final Map<String, ChannelSubscription> byChannel = new ConcurrentHashMap<>();

  Subscriptions(
      Connection connection,
      CommandTracker commands,
      ClientLoop loop,
      ClientListeners listeners,
      ReconnectPolicy retry) {
    this.connection = connection;
    this.commands = commands;
    this.loop = loop;
    this.listeners = listeners;
    this.resubscriber = new Resubscriber(this, connection, commands, loop, listeners, retry);
  }

  /** A new subscription to {@code channel}; see {@link dev.pushwire.client.PushwireClient}. */
  Subscription add(String channel, Position since, PublicationListener listener) {
    ChannelSubscription sub = new ChannelSubscription(this, channel, since, listener);
    if (byChannel.putIfAbsent(channel, sub) != null) {
      throw new IllegalStateException(
          "already subscribed to " + channel + " (unsubscribe that subscription first)");
    }
    if (loop.closing()) {
      // The loop may be gone already: end it here, quietly, as close() ends the others.
      byChannel.remove(channel, sub);
      sub.ended = true;
      sub.ready.completeExceptionally(ClientErrors.closed());
      return sub;
    }
    loop.execute(
        sub.ready,
        () -> {
          if (connection.closed()) {
            end(sub, ClientErrors.closed());
          } else {
            resubscriber.subscribeIfDue(sub);
          }
        });
    return sub;
  }

  Subscription get(String channel) {
    return byChannel.get(channel);
  }

  /** Ends {@code sub} at the user's request; see {@link Subscription#unsubscribe()}. */
  CompletionStage<Void> unsubscribe(ChannelSubscription sub) {
    if (!byChannel.remove(sub.channel, sub)) {
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
          if (!connection.ready()) {
            done.complete(null); // no connection: the node holds no subscription for us
            return;
          }
          commands
              .command("unsubscribe", channelFields(sub.channel), false)
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

  // ---- the connection's turns ---------------------------------------------------------------

  /** A connection became ready: subscribes every subscription, from its cursor. */
  void connected() {
    for (ChannelSubscription sub : byChannel.values()) {
      resubscriber.subscribeIfDue(sub);
    }
  }

  /** The connection closed and took the node's side of every subscription along. */
  void disconnected() {
    for (ChannelSubscription sub : byChannel.values()) {
      sub.live = false;
      sub.inFlight = 0;
    }
  }

  /** The client closed. */
  void endAll(PushwireException e) {
    for (ChannelSubscription sub : byChannel.values()) {
      end(sub, e);
    }
    byChannel.clear();
  }

  // ---- messages from the node ---------------------------------------------------------------

  void push(String channel, long offset, String epoch, JsonNode data) {
    ChannelSubscription sub = byChannel.get(channel);
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
        if (!sub.ended && sub.live && connection.ready()) {
          resubscriber.resync(sub);
        }
      }
    }
  }

  void unsubscribedNotice(String channel, JsonNode notice) {
    ChannelSubscription sub = byChannel.get(channel);
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
    resubscriber.subscribeIfDue(sub);
  }

  /** Ends {@code sub} for a reason other than the user's unsubscribe. */
  void end(ChannelSubscription sub, PushwireException e) {
    byChannel.remove(sub.channel, sub);
    boolean wasActive = !sub.ended;
    sub.ended = true;
    sub.live = false;
    sub.ready.completeExceptionally(e);
    if (wasActive && !connection.closed()) {
      listeners.error(e, sub.channel);
    }
  }
}
