package dev.pushwire.core;

/** Called on the connection's event loop for each whole message a client sends. */
@FunctionalInterface
public interface MessageListener {
  /** A whole text or binary message arrived. */
  void onMessage(WebSocketServer server, Message message) throws Exception;
}
