package dev.pushwire.hub.internal;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.Message;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's own open, message and close listeners, set through the hub because the hub
 * holds the server's. Each runs after the hub's own handling of the event; one that throws is
 * logged, so that it cannot break the hub's handling of the next event.
 */
final class AppListeners {
  private static final Logger log = LoggerFactory.getLogger(AppListeners.class);

  private final WebSocketServer server;
  volatile OpenListener open;
  volatile MessageListener message;
  volatile CloseListener close;

  /** Listeners that are passed {@code server}, which may be {@code null} in tests. */
  AppListeners(WebSocketServer server) {
    this.server = server;
  }

  void opened(ConnectionInfo info) {
    OpenListener hook = open;
    if (hook != null) {
      try {
        hook.onOpen(server, info);
      } catch (Exception e) {
        log.error("onOpen hook failed for connection {}", info.connectionId(), e);
      }
    }
  }

  void received(Message m) {
    MessageListener hook = message;
    if (hook != null) {
      try {
        hook.onMessage(server, m);
      } catch (Exception e) {
        log.error("onMessage hook failed for connection {}", m.connectionId(), e);
      }
    }
  }

  void closed(CloseEvent event) {
    CloseListener hook = close;
    if (hook != null) {
      try {
        hook.onClose(server, event);
      } catch (Exception e) {
        log.error("onClose hook failed for connection {}", event.connectionId(), e);
      }
    }
  }
}
