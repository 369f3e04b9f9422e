package dev.pushwire.core.internal;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeListener;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.HttpExchange;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.Message;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.RequestListener;
import dev.pushwire.core.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's listeners of one server, set from any thread and called on the event loops. A
 * listener that throws is logged and the connection goes on, except for the handshake listener,
 * whose failure refuses the handshake, and the request listener, whose failure answers 500.
 */
final class ServerListeners {
  // Under the server's name, where operators have always found these failures.
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketServer.class);

  private final WebSocketServer server;
  volatile HandshakeListener handshake;
  volatile OpenListener open;
  volatile MessageListener message;
  volatile CloseListener close;
  volatile RequestListener request;

  /** Listeners that are given {@code server} as the server the event happened on. */
  ServerListeners(WebSocketServer server) {
    this.server = server;
  }

  HandshakeDecision handshake(HandshakeRequest request) throws Exception {
    HandshakeListener l = handshake;
    return l == null ? HandshakeDecision.accept() : l.onHandshake(request);
  }

  void opened(ConnectionInfo info) {
    OpenListener l = open;
    if (l != null) {
      try {
        l.onOpen(server, info);
      } catch (Exception e) {
        log.warn("open listener failed for connection {}", info.connectionId(), e);
      }
    }
  }

  /** Whether a message listener is set: without one, a message is only counted. */
  boolean takesMessages() {
    return message != null;
  }

  void messageReceived(Message m) {
    MessageListener l = message;
    if (l == null) {
      return;
    }
    try {
      l.onMessage(server, m);
    } catch (Exception e) {
      log.warn("message listener failed for connection {}", m.connectionId(), e);
    }
  }

  void closed(CloseEvent event) {
    CloseListener l = close;
    if (l != null) {
      try {
        l.onClose(server, event);
      } catch (Exception e) {
        log.warn("close listener failed for connection {}", event.connectionId(), e);
      }
    }
  }

  boolean takesRequests() {
    return request != null;
  }

  void requestReceived(HttpExchange exchange) {
    RequestListener l = request;
    try {
      if (l == null) {
        exchange.respond(exchange.defaultResponse()); // the listener was removed meanwhile
        return;
      }
      l.onRequest(server, exchange);
    } catch (Exception e) {
      HttpRequest r = exchange.request();
      log.warn("request listener failed on {} {}", r.method(), r.uri(), e);
      exchange.respond(HttpResponse.text(500, "Internal Server Error\n"));
    }
  }
}
