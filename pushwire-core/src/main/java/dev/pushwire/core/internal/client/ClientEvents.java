package dev.pushwire.core.internal.client;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import io.netty.channel.Channel;

/**
 * What a {@link ClientConnectionHandler} reports to its client. {@link NettyWebSocketClient}
 * implements it; handler tests record it, so that the handler runs alone in an {@code
 * EmbeddedChannel}. Every method is called on the channel's event loop.
 */
interface ClientEvents {
  /** The handshake of {@code h} completed: its connection is open. */
  void opened(ClientConnectionHandler h);

  /** A whole message arrived. */
  void messageReceived(Message message);

  /** Something went wrong that the application should hear of; the connection may go on. */
  void errorOccurred(Throwable error);

  /** The opened connection of {@code h} closed. */
  void closed(ClientConnectionHandler h, CloseEvent event);

  /** The attempt on {@code ch} ended before its handshake completed. */
  void attemptFailed(Channel ch, Throwable cause);
}
