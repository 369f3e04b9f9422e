package dev.pushwire.core;

/** Called on the connection's event loop once per opened connection, when it has closed. */
@FunctionalInterface
public interface CloseListener {
  /** The connection is gone; {@link WebSocketServer#exists} is already false for it. */
  void onClose(WebSocketServer server, CloseEvent event) throws Exception;
}
