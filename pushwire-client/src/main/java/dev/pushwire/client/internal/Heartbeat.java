package dev.pushwire.client.internal;

import dev.pushwire.client.PushwireException;
import dev.pushwire.core.WebSocketClient;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;

/**
 * Pings the node every {@link dev.pushwire.client.ClientConfig#pingInterval()} while a connection
 * is ready, and closes a connection whose ping times out. Touched on the client's event loop only.
 */
final class Heartbeat {
  private final Connection connection;
  private final CommandTracker commands;
  private final ClientLoop loop;
  private final Duration every;
  private ScheduledFuture<?> task;

  Heartbeat(Connection connection, CommandTracker commands, ClientLoop loop, Duration every) {
    this.connection = connection;
    this.commands = commands;
    this.loop = loop;
    this.every = every;
  }

  void start() {
    if (every.isZero()) {
      return;
    }
    task = loop.scheduleAtFixedRate(this::pingOnce, every);
  }

  void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void pingOnce() {
    if (!connection.ready()) {
      return;
    }
    WebSocketClient ws = connection.socket();
    commands
        .command("ping", FrameCodec.fields(), false)
        .reply
        .whenComplete(
            (r, e) -> {
              if (e != null && ClientErrors.isCode(e, PushwireException.TIMEOUT)) {
                // No answer in time: the connection is dead even if the socket has not noticed.
                connection.closeUnresponsive(ws, "ping timeout");
              }
            });
  }
}
