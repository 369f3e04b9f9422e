package dev.pushwire.core.protocol;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerSettingsBuilder;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts real servers on {@code 127.0.0.1} with a free port for one test and stops them all
 * afterwards. Settings start from the defaults with two I/O threads; each test changes what it
 * needs.
 */
final class LoopbackServers implements AutoCloseable {
  private final List<WebSocketServer> started = new ArrayList<>();

  /** The defaults on loopback, port 0, two I/O threads. */
  static ServerSettingsBuilder settings() {
    return ServerSettings.newBuilder().host("127.0.0.1").port(0).ioThreads(2);
  }

  /** A server that is not started yet, to be stopped by {@link #close()}. */
  WebSocketServer create(ServerSettings settings) {
    WebSocketServer server = WebSocketServer.create(settings);
    started.add(server);
    return server;
  }

  /** A started echo server: every message goes back to its sender with its type. */
  WebSocketServer startEcho(ServerSettings settings) {
    WebSocketServer server = create(settings);
    server.onMessage(
        (srv, m) -> {
          if (m.binary()) {
            srv.push(m.connectionId(), m.data());
          } else {
            srv.push(m.connectionId(), m.text());
          }
        });
    server.start();
    return server;
  }

  @Override
  public void close() {
    for (WebSocketServer s : started) {
      s.stop(Duration.ofSeconds(1));
    }
    started.clear();
  }
}
