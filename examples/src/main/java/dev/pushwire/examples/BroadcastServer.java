package dev.pushwire.examples;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.List;

/**
 * The classic push server reduced to its core: every message any client sends is pushed to every
 * connected client (the sender included). The frame is built once per message and shared by all
 * connections; fan-out benchmarks use this server.
 *
 * <pre>
 * java -cp examples/target/examples-*-all.jar dev.pushwire.examples.BroadcastServer [PORT] [--host HOST]
 * </pre>
 */
public final class BroadcastServer {
  static final String USAGE =
      """
      usage: BroadcastServer [PORT] [--host HOST]
        Pushes every message any client sends to every connected client.
        PORT         the port to listen on (default 9876; 0 for any free port)
        --host HOST  the address to bind (default 0.0.0.0, every interface)""";

  private BroadcastServer() {}

  public static void main(String[] args) {
    ExampleArgs a = ExampleArgs.parse(USAGE, List.of(), List.of("--host"), args);
    String host = a.value("--host", ServerSettings.DEFAULT_HOST);
    WebSocketServer server =
        WebSocketServer.create(
            ServerSettings.newBuilder().host(host).port(a.port).paths("/*").build());
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.broadcast(msg.data());
          } else {
            srv.broadcast(msg.text());
          }
        });
    int port = server.start();
    System.out.println(ExampleArgs.listening("BroadcastServer", host, port));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(3))));
  }
}
