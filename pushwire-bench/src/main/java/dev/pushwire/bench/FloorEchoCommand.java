package dev.pushwire.bench;

import dev.pushwire.bench.internal.FloorEchoServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench floor-echo}: the plain Netty WebSocket echo server that Pushwire's echo is measured
 * against (issue #16), written as a first Netty WebSocket server is, from the Netty example, with
 * no tuning. It runs until the process is stopped.
 */
@Command(
    name = "floor-echo",
    mixinStandardHelpOptions = true,
    header = "A plain Netty WebSocket echo server: the floor Pushwire's echo must beat.",
    description = {
      "Listens on --host:--port and echoes every text or binary message to its sender, built"
          + " the way Netty's WebSocket example is: HttpServerCodec, HttpObjectAggregator,"
          + " WebSocketServerProtocolHandler and a handler that answers each TextWebSocketFrame"
          + " with writeAndFlush of a new one; NIO event loops, Netty's default thread count and"
          + " allocator, no options set. Runs until stopped (SIGTERM, Ctrl-C).",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = "  bench floor-echo --port 9876   then   bench echo --url ws://127.0.0.1:9876/")
public final class FloorEchoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "9876",
      paramLabel = "PORT",
      description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--epoll",
      description =
          "Native epoll event loops instead of NIO: what a tuned server would take, to tell the"
              + " transport's share apart.")
  boolean epoll;

  @Option(
      names = "--deflate",
      description =
          "Accept permessage-deflate as Netty's example does (WebSocketServerCompressionHandler,"
              + " its defaults: level 6, context kept between messages).")
  boolean deflate;

  @Override
  public Integer call() throws Exception {
    Checks.notNegative(spec, "--port", port);
    Checks.atMost(spec, "--port", port, 65_535, "a TCP port");
    FloorEchoServer server = FloorEchoServer.start(host, port, epoll, deflate);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "floor-echo-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "floor-echo: listening on ws://"
            + host
            + ":"
            + server.port()
            + "/ ("
            + (epoll ? "epoll" : "nio")
            + (deflate ? ", permessage-deflate" : "")
            + ")");
    out.flush();
    server.closeFuture().await();
    return BenchCommand.EXIT_OK;
  }
}
