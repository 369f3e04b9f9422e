package dev.pushwire.core.internal;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.HttpExchange;
import io.netty.channel.Channel;

/**
 * What a connection's handlers report to the server. {@link NettyWebSocketServer} implements it and
 * turns it into the application's events; handler tests record it instead, so that each handler
 * runs alone in an {@code EmbeddedChannel}. Every method is called on the channel's event loop.
 */
interface ServerEvents {
  /** The application's answer to a valid upgrade request; throws what its listener threw. */
  HandshakeDecision handshakeRequested(HandshakeRequest request) throws Exception;

  /**
   * {@code conn} completed its handshake: its handler is in the pipeline, and the input that came
   * with the upgrade request is read right after this returns.
   */
  void opened(Connection conn);

  /** A whole message arrived on {@code conn}, fragments joined and checked. */
  void messageReceived(Connection conn, boolean binary, byte[] data);

  /** {@code conn}'s channel became writable or unwritable. */
  void writabilityChanged(Connection conn);

  /** {@code conn}'s channel closed; may be reported more than once. */
  void closed(Connection conn);

  /** Whether plain HTTP requests go to the application; if not, the router answers them itself. */
  boolean takesRequests();

  /**
   * A plain HTTP request for the application, which answers through {@code exchange}; what it
   * broadcasts meanwhile is paced by {@code source} (see {@link FanOutSource}).
   */
  void requestReceived(Channel channel, FanOutSource.Owner source, HttpExchange exchange);
}
