package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.unwrap;
import static dev.pushwire.client.internal.FrameCodec.channelFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.client.LostEvent;
import dev.pushwire.client.Position;
import dev.pushwire.client.PushwireException;
import dev.pushwire.client.SubscribedEvent;
import dev.pushwire.core.ReconnectPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The subscribe commands of the subscriptions and what their answers mean. A subscribe carries
 * {@code since} from the subscription's {@link ChannelCursor}; its answer makes the subscription
 * live, recovered or not ({@link NotRecovered}); a retryable refusal subscribes again after the
 * backoff of {@link dev.pushwire.client.ClientConfig#reconnect()}, any other refusal ends it. At
 * most one command is in flight per subscription, and the answer to one that a later command
 * replaced is ignored. Touched on the client's event loop only.
 */
final class Resubscriber {
  private final Subscriptions subscriptions;
  private final Connection connection;
  private final CommandTracker commands;
  private final ClientLoop loop;
  private final ClientListeners listeners;
  private final ReconnectPolicy retry;

  Resubscriber(
      Subscriptions subscriptions,
      Connection connection,
      CommandTracker commands,
      ClientLoop loop,
      ClientListeners listeners,
      ReconnectPolicy retry) {
    this.subscriptions = subscriptions;
    this.connection = connection;
    this.commands = commands;
    this.loop = loop;
    this.listeners = listeners;
    this.retry = retry;
  }

  /** Subscribes {@code sub} if a connection is ready and nothing is in flight for it. */
  void subscribeIfDue(ChannelSubscription sub) {
    if (connection.ready() && sub.due()) {
      sendSubscribe(sub);
    }
  }

  private void sendSubscribe(ChannelSubscription sub) {
    Position since = sub.cursor.position();
    boolean resubscribed = sub.everLive;
    ObjectNode fields = channelFields(sub.channel);
    if (since != null) {
      fields.set("since", FrameCodec.positionNode(since));
    }
    send(
        sub,
        "subscribe",
        fields,
        (r, e) -> {
          if (e != null) {
            subscribeFailed(sub, unwrap(e));
          } else {
            subscribed(sub, r, since, resubscribed);
          }
        });
  }

  /** Unsubscribes, then subscribes with {@code since} = the cursor, on the open connection. */
  void resync(ChannelSubscription sub) {
    send(
        sub,
        "unsubscribe",
        channelFields(sub.channel),
        (r, e) -> {
          // Whatever the answer (unsubscribe succeeds also when not subscribed); after a close, the
          // next connection subscribes anyway.
          if (connection.ready()) {
            sendSubscribe(sub);
          }
        });
  }

  /**
   * Sends {@code op} as the one command in flight for {@code sub}; {@code answered} gets its answer
   * unless {@code sub} ended or a later command took its place.
   */
  private void send(
      ChannelSubscription sub,
      String op,
      ObjectNode fields,
      BiConsumer<JsonNode, Throwable> answered) {
    sub.live = false;
    int gen = ++sub.generation;
    PendingCommand c = commands.command(op, fields, false);
    sub.inFlight = c.id;
    c.reply.whenComplete(
        (r, e) -> {
          if (sub.ended || sub.generation != gen) {
            return;
          }
          sub.inFlight = 0;
          answered.accept(r, e);
        });
  }

  private void subscribed(
      ChannelSubscription sub, JsonNode result, Position since, boolean resubscribed) {
    Position top;
    try {
      top = FrameCodec.position(result, "subscribe");
    } catch (PushwireException e) {
      subscribeFailed(sub, e);
      return;
    }
    boolean recovered = result.path("recovered").asBoolean(false);
    LostEvent lost = recovered ? null : NotRecovered.apply(sub, since, top, result.get("lost"));
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

  private void subscribeFailed(ChannelSubscription sub, PushwireException e) {
    switch (e.code()) {
      case PushwireException.DISCONNECTED -> {} // sent again when a connection is ready
      case PushwireException.TIMEOUT -> {
        // The node did not answer on an open connection: start over on a new one.
        if (connection.ready()) {
          connection.closeUnresponsive(connection.socket(), "subscribe timeout");
        }
      }
      case PushwireException.UNAVAILABLE,
          PushwireException.INTERNAL,
          PushwireException.RATE_LIMITED,
          PushwireException.NOT_SUBSCRIBED,
          PushwireException.ALREADY_SUBSCRIBED,
          PushwireException.BAD_RESPONSE ->
          retrySubscribe(sub, e);
      // Refused: bad_channel, forbidden, too_many_subscriptions, ...
      default -> subscriptions.end(sub, e);
    }
  }

  private void retrySubscribe(ChannelSubscription sub, PushwireException e) {
    listeners.error(e, sub.channel);
    int attempt = Math.min(++sub.retries, 30);
    Duration delay = retry.delayBefore(attempt, ThreadLocalRandom.current().nextDouble());
    int gen = sub.generation;
    boolean unsubscribeFirst = PushwireException.ALREADY_SUBSCRIBED.equals(e.code());
    loop.schedule(
        () -> {
          if (sub.generation == gen && connection.ready() && sub.due()) {
            if (unsubscribeFirst) {
              resync(sub);
            } else {
              sendSubscribe(sub);
            }
          }
        },
        delay);
  }
}
