package dev.pushwire.core;

/**
 * One plain HTTP request and the means to answer it. The answer may come from any thread, later;
 * the connection reads no further request until it does (HTTP/1.1 keeps responses in order).
 */
public interface HttpExchange {
  /** The request. */
  HttpRequest request();

  /**
   * What the server answers when no listener handles the request: 426 for a GET on a WebSocket
   * path, 404 otherwise. Useful for routes a listener does not know.
   */
  HttpResponse defaultResponse();

  /** Sends the response; only the first call has effect. Returns false if already answered. */
  boolean respond(HttpResponse response);
}
