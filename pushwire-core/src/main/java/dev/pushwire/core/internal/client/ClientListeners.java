package dev.pushwire.core.internal.client;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketClient;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's listeners of one client, set from any thread and called on the client's loop. A
 * listener that throws is reported to the error listener; one that fails there is logged.
 */
final class ClientListeners {
  // Under the client's name, where these lines have always been logged.
  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketClient.class);

  private final WebSocketClient client;
  volatile Consumer<WebSocketClient> open = c -> {};
  volatile BiConsumer<WebSocketClient, Message> message = (c, m) -> {};
  volatile BiConsumer<WebSocketClient, CloseEvent> close = (c, e) -> {};
  volatile BiConsumer<WebSocketClient, Throwable> error =
      (c, e) -> log.warn("WebSocket client of {}: {}", c.uri(), e.toString());

  /** Listeners that are given {@code client} as the client the event happened on. */
  ClientListeners(WebSocketClient client) {
    this.client = client;
  }

  void opened() {
    try {
      open.accept(client);
    } catch (RuntimeException e) {
      failed("onOpen", e);
    }
  }

  void messageReceived(Message m) {
    try {
      message.accept(client, m);
    } catch (RuntimeException e) {
      failed("onMessage", e);
    }
  }

  void closed(CloseEvent event) {
    try {
      close.accept(client, event);
    } catch (RuntimeException e) {
      failed("onClose", e);
    }
  }

  void errorOccurred(Throwable cause) {
    try {
      error.accept(client, cause);
    } catch (RuntimeException e) {
      log.warn("onError listener of the WebSocket client of {} threw", client.uri(), e);
    }
  }

  private void failed(String listener, RuntimeException e) {
    log.debug("{} listener of the WebSocket client of {} threw", listener, client.uri(), e);
    errorOccurred(e);
  }
}
