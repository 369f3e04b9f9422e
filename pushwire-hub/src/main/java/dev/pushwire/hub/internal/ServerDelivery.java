package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * {@link Delivery} on a {@link WebSocketServer}: publications go through the server's fan-out path
 * ({@link WebSocketServer#broadcast(Collection, String)}), which frames each message once and
 * writes it per event loop.
 *
 * <p>Ordering: the server queues a write made from another thread behind the target loop's pending
 * tasks, but performs a write made on the target loop at once. The hub's writes to one connection
 * are ordered by its channel locks, so they stay in order as long as they are all made either on
 * the connection's loop or off it, which holds for the memory broker with subscriptions made from
 * the connection's own loop (the protocol) and for brokers that deliver on their own threads.
 */
final class ServerDelivery implements Delivery {
  private final WebSocketServer server;

  ServerDelivery(WebSocketServer server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  @Override
  public void deliver(Collection<Long> connectionIds, String text) {
    // The hub passes its live subscriber sets; broadcast reads them while grouping the ids by
    // event loop, before it returns, so no copy is needed.
    server.broadcast(connectionIds, text);
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
  public TimerHandle every(Duration period, Runnable task) {
    return server.tick(period, task);
  }
}
