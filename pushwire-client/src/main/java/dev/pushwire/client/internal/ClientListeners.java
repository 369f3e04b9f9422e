package dev.pushwire.client.internal;

import dev.pushwire.client.ConnectedEvent;
import dev.pushwire.client.DirectMessage;
import dev.pushwire.client.DisconnectedEvent;
import dev.pushwire.client.ErrorEvent;
import dev.pushwire.client.EventListener;
import dev.pushwire.client.LostEvent;
import dev.pushwire.client.Publication;
import dev.pushwire.client.ReconnectingEvent;
import dev.pushwire.client.ResubscribingEvent;
import dev.pushwire.client.SubscribedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners a user set on a client, and the dispatch of events to them on the client's event
 * loop. A listener that throws does not stop the client: what it threw goes to the error listener,
 * and what the error listener throws is logged.
 */
final class ClientListeners {
  // Logged under the client's name, where users look for (and configure) its messages.
  private static final Logger log = LoggerFactory.getLogger(PushwireClientImpl.class);

  volatile EventListener<ConnectedEvent> onConnected = e -> {};
  volatile EventListener<DisconnectedEvent> onDisconnected = e -> {};
  volatile EventListener<ReconnectingEvent> onReconnecting = e -> {};
  volatile EventListener<SubscribedEvent> onSubscribed = e -> {};
  volatile EventListener<ResubscribingEvent> onResubscribing = e -> {};
  volatile EventListener<LostEvent> onLost = e -> {};
  volatile EventListener<DirectMessage> onMessage = e -> {};
  volatile EventListener<ErrorEvent> onError = ClientListeners::logError;

  void connected(ConnectedEvent e) {
    emit(onConnected, e, null);
  }

  void disconnected(DisconnectedEvent e) {
    emit(onDisconnected, e, null);
  }

  void reconnecting(ReconnectingEvent e) {
    emit(onReconnecting, e, null);
  }

  void subscribed(SubscribedEvent e) {
    emit(onSubscribed, e, e.channel());
  }

  void resubscribing(ResubscribingEvent e) {
    emit(onResubscribing, e, e.channel());
  }

  void lost(LostEvent e) {
    emit(onLost, e, e.channel());
  }

  void message(DirectMessage m) {
    emit(onMessage, m, null);
  }

  /** Hands {@code p} to the listener of {@code sub}, unless it ended. */
  void publication(ChannelSubscription sub, Publication p) {
    if (sub.ended) {
      return;
    }
    try {
      sub.listener.onPublication(p);
    } catch (Exception e) {
      error(e, sub.channel);
    }
  }

  /** {@code error}, about {@code channel} or, if {@code null}, about the connection. */
  void error(Throwable error, String channel) {
    ErrorEvent event = new ErrorEvent(error, channel);
    try {
      onError.on(event);
    } catch (Exception e) {
      log.warn("the error listener of a pushwire client threw", e);
    }
  }

  private <E> void emit(EventListener<E> listener, E event, String channel) {
    try {
      listener.on(event);
    } catch (Exception e) {
      error(e, channel);
    }
  }

  private static void logError(ErrorEvent e) {
    log.warn(
        "pushwire client{}: {}",
        e.channel() == null ? "" : " (channel " + e.channel() + ")",
        e.error().toString());
  }
}
