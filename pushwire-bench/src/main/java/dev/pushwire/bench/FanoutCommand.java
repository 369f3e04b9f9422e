package dev.pushwire.bench;

import dev.pushwire.bench.internal.BenchClient;
import dev.pushwire.bench.internal.DurationConverter;
import dev.pushwire.bench.internal.FanoutRun;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.Payload;
import dev.pushwire.bench.internal.Progress;
import dev.pushwire.bench.internal.PublishMode;
import dev.pushwire.bench.internal.SizeConverter;
import dev.pushwire.bench.internal.Summary;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bench fanout}: one publisher, N subscribers; deliveries per second, publish-to-receive
 * latency, and loss and duplicates per subscriber.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    header = "Deliveries/s, latency and loss from one publisher to N subscribers.",
    description = {
      "N subscriber connections (plain clients on the URL's channel) and one publisher that"
          + " sends RATE messages/s of S bytes, each with a sequence number and a send time"
          + " inside; reports deliveries/s, publish-to-receive percentiles, and messages lost or"
          + " duplicated per subscriber. --rate max publishes as fast as every subscriber"
          + " receives, keeping at most WINDOW messages on their way.",
      "",
      "Publishing (--publish):",
      "  ws          a plain WebSocket to URL, for servers that broadcast what",
      "              they receive (Pushwire's BroadcastServer, a Node ws server)",
      "  ws=URL      the same, to another URL",
      "  http=URL    Pushwire's POST /api/publish with --api-key",
      "  socket=URL  Pushwire's publisher socket, ws://HOST:PORT/publish?channel=C",
      "",
      "With --socketio, the subscribers are Socket.IO clients (see scripts/bench/socketio-server.js,"
          + " which takes http= publishing the same way).",
      "",
      "With --v1, the subscribers are pushwire.v1 clients of `pushwire serve` (or any Pushwire"
          + " hub): each subscribes to the URL's channel and counts once the reply came, and the"
          + " offsets of the pushes are checked too: skipped or repeated ones count against the"
          + " run, loss the server signals (an unsubscribed notice) is reported as told.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  bench fanout --url ws://127.0.0.1:9876/ -c 1000 --rate 100 --publish ws",
      "  bench fanout --url 'ws://127.0.0.1:9876/?channel=news' -c 1000 --rate max \\",
      "      --publish http=http://127.0.0.1:9876/api/publish --api-key KEY"
    })
public final class FanoutCommand extends ScenarioCommand {
  /** Opens 100 connections unless {@code -c} says otherwise. */
  public FanoutCommand() {
    super(100);
  }

  @Option(
      names = "--rate",
      defaultValue = "100",
      paramLabel = "RATE",
      description = "Messages per second, or max (default: ${DEFAULT-VALUE}).")
  String rate;

  @Option(
      names = {"-s", "--size"},
      defaultValue = "256",
      paramLabel = "BYTES",
      converter = SizeConverter.class,
      description = "Message size, at least 32 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--publish",
      defaultValue = "ws",
      paramLabel = "MODE",
      description = "ws, ws=URL, http=URL or socket=URL (default: ${DEFAULT-VALUE}).")
  String publish;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "The API key for http= and socket= publishing (sent as X-API-Key).")
  String apiKey;

  @Option(
      names = "--window",
      defaultValue = "32",
      paramLabel = "N",
      description = "With --rate max: messages on their way at most (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--messages",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N messages; 0: when the time is up (default).")
  long messages;

  @Option(
      names = "--http-connections",
      defaultValue = "4",
      paramLabel = "N",
      description = "Connections of the http= publisher (default: ${DEFAULT-VALUE}).")
  int httpConnections;

  @Option(
      names = "--http-pipeline",
      defaultValue = "8",
      paramLabel = "N",
      description =
          "Requests in flight on each http= connection (HTTP/1.1 pipelining); 1 waits for each"
              + " answer before the next request (default: ${DEFAULT-VALUE}).")
  int httpPipeline;

  @Option(
      names = "--socketio",
      description =
          "Subscribers speak Socket.IO 4 (Engine.IO 4 over WebSocket): they connect to the main"
              + " namespace, answer pings and read the payload from each event,"
              + " 42[\"event\",\"PAYLOAD\"]. URL: ws://HOST:PORT/socket.io/?EIO=4"
              + "&transport=websocket&channel=ROOM (scripts/bench/socketio-server.js).")
  boolean socketIo;

  @Option(
      names = "--v1",
      description =
          "Subscribers speak pushwire.v1: they offer the subprotocol, subscribe to the channel of"
              + " the URL's channel parameter (default: default) and read the payload from each"
              + " push; offsets must follow the subscribe reply's without a gap.")
  boolean v1;

  @Mixin DurationOption measure;

  @Option(
      names = "--warmup",
      defaultValue = "1s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Publishing before measuring, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--settle",
      defaultValue = "500ms",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Pause between the last subscription and the first message (default: 500ms).")
  Duration settle;

  @Option(
      names = "--drain",
      defaultValue = "5s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long to wait for the last deliveries at the end; with --rate max also how long"
              + " a message may take to reach everyone before the run counts as stalled"
              + " (default: 5s).")
  Duration drain;

  /** The rate: messages per second, 0 for max. */
  int rate() {
    String r = rate.trim().toLowerCase(Locale.ROOT);
    if (r.equals("max")) {
      return 0;
    }
    try {
      int n = Integer.parseInt(r);
      if (n > 0 && n <= 1_000_000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Falls through to the usage error below.
    }
    throw new ParameterException(
        spec.commandLine(), "--rate must be a number from 1 to 1000000, or max: " + rate);
  }

  PublishMode publishMode() {
    try {
      return PublishMode.parse(publish);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  void check(LoadSettings load) {
    if (size < Payload.MIN_SIZE) {
      throw new ParameterException(
          spec.commandLine(),
          "--size must be at least "
              + Payload.MIN_SIZE
              + " for fanout: each message carries a 16-digit sequence number and a 16-digit"
              + " send time: "
              + size);
    }
    Checks.atMost(spec, "--size", size, BenchClient.MAX_MESSAGE_SIZE, "16 MiB");
    rate();
    publishMode();
    if (socketIo && v1) {
      throw new ParameterException(spec.commandLine(), "--socketio and --v1 exclude each other");
    }
    Checks.positive(spec, "--window", window);
    Checks.atMost(spec, "--window", window, 65_536, "a bigger window only hides queueing");
    Checks.positive(spec, "--http-connections", httpConnections);
    Checks.positive(spec, "--http-pipeline", httpPipeline);
    Checks.atMost(spec, "--http-pipeline", httpPipeline, 16, "Pushwire queues 16 per connection");
    Checks.notNegative(spec, "--messages", messages);
    measure.check(spec);
    Checks.notNegative(spec, "--warmup", warmup);
    Checks.notNegative(spec, "--settle", settle);
    Checks.positive(spec, "--drain", drain);
  }

  @Override
  Summary run(LoadSettings load, BenchClient client, Progress progress) throws Exception {
    return new FanoutRun(
            new FanoutRun.Settings(
                load,
                publishMode(),
                apiKey,
                httpConnections,
                httpPipeline,
                socketIo,
                v1,
                size,
                rate(),
                window,
                messages,
                warmup,
                measure.duration,
                settle,
                drain),
            client,
            progress)
        .run();
  }
}
