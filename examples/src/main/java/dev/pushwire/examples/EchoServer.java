package dev.pushwire.examples;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.List;

/**
 * The classic Swoole echo server: greets each client with {@code Hey. <id>}, echoes every message
 * to its sender, and prints {@code <id> closed} when a client leaves.
 *
 * <pre>
 * java -cp examples/target/examples-*-all.jar dev.pushwire.examples.EchoServer [PORT] [--host HOST] [--quiet]
 * </pre>
 *
 * <p>{@code --quiet} skips the greeting and the close line, for load generators and conformance
 * suites that expect a pure echo. Messages up to 16 MiB are accepted, as conformance suites send
 * that much.
 */
public final class EchoServer {
  static final String USAGE =
      """
      usage: EchoServer [PORT] [--host HOST] [--quiet]
        Greets each client with 'Hey. <id>', echoes every message, prints '<id> closed'.
        PORT         the port to listen on (default 9876; 0 for any free port)
        --host HOST  the address to bind (default 0.0.0.0, every interface)
        --quiet      a pure echo: no greeting, no close line""";

  private EchoServer() {}

  public static void main(String[] args) {
    ExampleArgs a = ExampleArgs.parse(USAGE, List.of("--quiet"), List.of("--host"), args);
    boolean quiet = a.has("--quiet");
    String host = a.value("--host", ServerSettings.DEFAULT_HOST);
    WebSocketServer server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host(host)
                .port(a.port)
                .paths("/*")
                .maxMessageSize(16 * 1024 * 1024)
                .build());
    if (!quiet) {
      server.onOpen((srv, conn) -> srv.push(conn.connectionId(), "Hey. " + conn.connectionId()));
      server.onClose((srv, event) -> System.out.println(event.connectionId() + " closed"));
    }
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.push(msg.connectionId(), msg.data());
          } else {
            srv.push(msg.connectionId(), msg.text());
          }
        });
    int port = server.start();
    System.out.println(ExampleArgs.listening("EchoServer", host, port));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(3))));
  }
}
