package dev.pushwire.core;

/** Called on the connection's event loop when a WebSocket handshake has completed. */
@FunctionalInterface
public interface OpenListener {
  /** The connection {@code connection} is open; pushes to it may start now. */
  void onOpen(WebSocketServer server, ConnectionInfo connection) throws Exception;
}
