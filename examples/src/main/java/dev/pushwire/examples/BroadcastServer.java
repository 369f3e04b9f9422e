package dev.pushwire.examples;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;

/**
 * The classic push server reduced to its core: every message any client sends is pushed to every
 * connected client (the sender included). The frame is built once per message and shared by all
 * connections; fan-out benchmarks use this server.
 *
 * <pre>
 * java -cp examples/target/examples-*-all.jar dev.pushwire.examples.BroadcastServer [PORT]
 * </pre>
 */
public final class BroadcastServer {
  private BroadcastServer() {}

  public static void main(String[] args) {
    ExampleArgs a = ExampleArgs.parse("BroadcastServer [PORT]", args);
    WebSocketServer server =
        WebSocketServer.create(ServerSettings.newBuilder().port(a.port).paths("/*").build());
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.broadcast(msg.data());
          } else {
            srv.broadcast(msg.text());
          }
        });
    int port = server.start();
    System.out.println("BroadcastServer listening on ws://127.0.0.1:" + port + "/");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(3))));
  }
}
