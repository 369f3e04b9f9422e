package dev.pushwire.core;

/**
 * Called on the event loop for each plain HTTP request on the server's port. Answer with {@link
 * HttpExchange#respond}, now or later from any thread. Must not block.
 */
@FunctionalInterface
public interface RequestListener {
  /** A whole HTTP request (with its body) arrived. */
  void onRequest(WebSocketServer server, HttpExchange exchange) throws Exception;
}
