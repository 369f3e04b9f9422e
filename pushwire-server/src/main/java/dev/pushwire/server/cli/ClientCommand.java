package dev.pushwire.server.cli;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.server.LogLevel;
import dev.pushwire.server.internal.ClientOptions;
import dev.pushwire.server.internal.V1ClientMode;
import dev.pushwire.server.internal.config.DurationConverter;
import dev.pushwire.server.internal.config.LogLevels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pushwire client URL}: a wscat-like client. Prints each message that arrives on its own
 * line on standard output, sends each line typed on standard input, and reports on standard error
 * when it connects and closes. {@code --send TEXT --interval 100ms} sends periodically, on a timer,
 * like the classic interval client; {@code --count N} exits after N messages have arrived. {@code
 * --v1 --channel NAME} subscribes through the pushwire.v1 SDK instead ({@link V1ClientMode}).
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Connect to a WebSocket server and print what arrives (like wscat).",
      "Prints every message that arrives on a line of its own and sends each line typed on"
          + " standard input. Status lines go to standard error. Ctrl-C quits.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pushwire client ws://127.0.0.1:9876/              # the channel 'default'",
      "  pushwire client 'ws://127.0.0.1:9876/?channel=news&channel=sport'",
      "  pushwire client ws://127.0.0.1:9876/ --count 1    # one message, then exit",
      "  pushwire client ws://127.0.0.1:9876/ --send hi --interval 100ms",
      "  pushwire client ws://127.0.0.1:9876/ws --subprotocol pushwire.v1",
      "  pushwire client --v1 ws://127.0.0.1:9876/ --channel news --since 42:0k3j5x9q2a",
      "                                                    # recovers, reports lost publications",
      "  pushwire client ws://127.0.0.1:9876/publish -H 'X-API-Key: KEY'",
      "                                                    # each line typed is published",
      ""
    })
final class ClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand PushwireCommand parent;

  @Parameters(index = "0", paramLabel = "URL", description = "ws:// or wss:// URL to connect to.")
  String url;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description =
          "Trust the CA certificate(s) in this PEM file for wss:// (default: the JDK's trust"
              + " store). Certificates and host names are always verified.")
  java.nio.file.Path caFile;

  @Option(
      names = "--send",
      paramLabel = "TEXT",
      description = "Send TEXT once connected (every --interval, if given).")
  String send;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Send --send TEXT every DURATION, e.g. 100ms, 1s.")
  Duration interval;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Exit after N messages have arrived (0: never, the default).")
  long count;

  @Option(
      names = "--subprotocol",
      paramLabel = "NAME",
      description = "Offer subprotocol NAME, e.g. pushwire.v1; repeat for more.")
  List<String> subprotocols = new ArrayList<>();

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'Name: value'",
      description = "Add a header to the upgrade request; repeat for more.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait to connect (10s).")
  Duration timeout = Duration.ofSeconds(10);

  @Option(names = "--no-compression", description = "Do not offer permessage-deflate.")
  boolean noCompression;

  @Option(
      names = "--v1",
      description =
          "Speak pushwire.v1 with the Java SDK: subscribe to --channel, print each publication as"
              + " a JSON line, reconnect and recover; delivery signals go to standard error.")
  boolean v1;

  @Option(
      names = "--channel",
      paramLabel = "NAME",
      description = "With --v1: subscribe to NAME; repeat for more.")
  List<String> channels = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "OFFSET:EPOCH",
      description = "With --v1 and one --channel: start after this position (recovering from it).")
  String since;

  @Option(
      names = {"-q", "--quiet"},
      description = "No status lines on standard error.")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri;
    ClientSettings settings;
    V1ClientMode v1Mode;
    try {
      uri = ClientOptions.webSocketUri(url);
      v1Mode =
          V1ClientMode.of(
              v1, channels, since, send != null || interval != null || !subprotocols.isEmpty());
      if (interval != null && send == null) {
        throw new IllegalArgumentException("--interval needs --send TEXT (what to send)");
      }
      if (interval != null && interval.isZero()) {
        throw new IllegalArgumentException("--interval must be more than 0");
      }
      if (count < 0) {
        throw new IllegalArgumentException("--count must be 0 or more");
      }
      if (caFile != null && !java.nio.file.Files.isReadable(caFile)) {
        throw new IllegalArgumentException("--ca-file: cannot read '" + caFile + "'");
      }
      settings =
          ClientSettings.newBuilder()
              .headers(ClientOptions.headers(headers))
              .subprotocols(subprotocols)
              .compression(!noCompression)
              .connectTimeout(timeout)
              .handshakeTimeout(timeout)
              .trustedCaFile(caFile)
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    LogLevels.apply(LogLevel.WARN);
    if (v1Mode != null) {
      return v1Mode.run(uri, settings, timeout, count, quiet, out, err);
    }

    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicLong received = new AtomicLong();
    WebSocketClient client = WebSocketClient.create(uri, settings);
    client
        .onMessage((c, m) -> print(m, out, received, done, c))
        .onClose((c, event) -> done.complete(closed(event, err)))
        .onError(
            (c, e) -> {
              status(err, "error: " + ClientOptions.rootMessage(e));
            });
    ScheduledExecutorService timer = null;
    try {
      try {
        client
            .connect()
            .toCompletableFuture()
            .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        err.println("error: cannot connect to " + uri + ": " + ClientOptions.rootMessage(e));
        err.flush();
        return PushwireCommand.EXIT_FAILURE;
      }
      status(
          err,
          "connected to "
              + uri
              + (client.subprotocol() == null
                  ? ""
                  : " (subprotocol " + client.subprotocol() + ")"));
      if (send != null) {
        if (interval == null) {
          client.sendText(send);
        } else {
          timer =
              Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pushwire-client-timer"));
          long ms = Math.max(1, interval.toMillis());
          timer.scheduleAtFixedRate(
              () -> {
                if (client.isOpen()) {
                  client.sendText(send);
                }
              },
              0,
              ms,
              TimeUnit.MILLISECONDS);
        }
      }
      Thread reader = daemon(() -> readStdin(client, done), "pushwire-client-stdin");
      reader.start();
      Thread hook = new Thread(() -> client.shutdown(), "pushwire-client-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      int code;
      try {
        code = done.get();
      } catch (ExecutionException e) {
        err.println("error: " + ClientOptions.rootMessage(e));
        code = PushwireCommand.EXIT_FAILURE;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook closes the client
      }
      err.flush();
      out.flush();
      return code;
    } finally {
      if (timer != null) {
        timer.shutdownNow();
      }
      client.shutdown();
    }
  }

  private void print(
      Message m,
      PrintWriter out,
      AtomicLong received,
      CompletableFuture<Integer> done,
      WebSocketClient client) {
    if (done.isDone()) {
      return;
    }
    synchronized (out) {
      if (m.isText()) {
        out.println(m.text());
      } else {
        out.println("(binary message, " + m.data().length + " bytes)");
      }
      out.flush();
    }
    if (count > 0 && received.incrementAndGet() >= count) {
      done.complete(PushwireCommand.EXIT_OK);
      client.close(CloseCodes.NORMAL, "");
    }
  }

  private int closed(CloseEvent event, PrintWriter err) {
    status(
        err,
        "closed: "
            + event.code()
            + (event.reason().isEmpty() ? "" : " " + event.reason())
            + (event.byServer() ? " (by the server)" : ""));
    boolean normal =
        event.code() == CloseCodes.NORMAL
            || event.code() == CloseCodes.GOING_AWAY
            || !event.byServer();
    return normal ? PushwireCommand.EXIT_OK : PushwireCommand.EXIT_FAILURE;
  }

  /**
   * Sends each line of standard input. The end of input does not close the connection: a client
   * started with no input (in the background, under CI) keeps printing until Ctrl-C, --count or the
   * server ends it.
   */
  private void readStdin(WebSocketClient client, CompletableFuture<Integer> done) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(parent.stdin(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null && !done.isDone()) {
        client.sendText(line);
      }
    } catch (IOException e) {
      // Standard input cannot be read (closed, or none): the other ways to end still apply.
    }
  }

  private void status(PrintWriter err, String line) {
    if (!quiet) {
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
