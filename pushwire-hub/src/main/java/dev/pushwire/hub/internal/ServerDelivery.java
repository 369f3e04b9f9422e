package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * {@link Delivery} on a {@link WebSocketServer}: publications go through the server's fan-out path
 * ({@link WebSocketServer#broadcastText(Collection, byte[])}), which frames each message once and
 * writes it per event loop.
 *
 * <p>Ordering: every write the server makes, from any thread including the target loop, is queued
 * on the target connection's loop, so writes to one connection keep the order in which they were
 * called. The hub makes its writes to a connection under that channel's lock, so they are ordered.
 */
final class ServerDelivery implements Delivery {
  private final WebSocketServer server;

  ServerDelivery(WebSocketServer server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  @Override
  public void deliver(Collection<Long> connectionIds, byte[] utf8) {
    // The hub passes its live subscriber sets; broadcast reads them while grouping the ids by
    // event loop, before it returns, so no copy is needed.
    try {
      server.broadcastText(connectionIds, utf8);
    } catch (IllegalArgumentException notUtf8) {
      // Only data that another publisher wrote to the broker can be malformed, and it is rare: it
      // goes as decoding made it when the hub built its messages as strings.
      server.broadcast(connectionIds, new String(utf8, StandardCharsets.UTF_8));
    }
  }

  @Override
  public boolean send(long connectionId, String text) {
    return server.push(connectionId, text);
  }

  @Override
  public void close(long connectionId, int code, String reason) {
    server.disconnect(connectionId, code, reason);
  }

  @Override
  public void closeWhenSlow(long connectionId, int code, String reason) {
    server.closeWhenSlow(connectionId, code, reason);
  }

  @Override
  public TimerHandle every(Duration period, Runnable task) {
    return server.tick(period, task);
  }
}
