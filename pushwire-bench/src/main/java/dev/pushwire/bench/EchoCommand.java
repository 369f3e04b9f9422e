package dev.pushwire.bench;

import dev.pushwire.bench.internal.BenchClient;
import dev.pushwire.bench.internal.DurationConverter;
import dev.pushwire.bench.internal.EchoRun;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.Progress;
import dev.pushwire.bench.internal.SizeConverter;
import dev.pushwire.bench.internal.Summary;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench echo}: messages per second and round-trip times against an echo server. */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    header = "Messages/s and round-trip times against an echo server.",
    description = {
      "N connections each send S-byte messages to an echo server and wait for the echo"
          + " (PIPELINE messages in flight per connection); reports messages/s and round-trip"
          + " percentiles after a warm-up. A greeting or any message of another size is ignored."
          + " Messages are ASCII text shaped like a JSON feed, in 64 variants (fewer above 64 KiB),"
          + " so that compression has realistic work.",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = "  bench echo --url ws://127.0.0.1:9876/ -c 100 -s 1024 --duration 10s")
public final class EchoCommand extends ScenarioCommand {
  /** Opens 100 connections unless {@code -c} says otherwise. */
  public EchoCommand() {
    super(100);
  }

  @Option(
      names = {"-s", "--size"},
      defaultValue = "1024",
      paramLabel = "BYTES",
      converter = SizeConverter.class,
      description = "Message size: 1024, 1k, 64k (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--pipeline",
      defaultValue = "1",
      paramLabel = "N",
      description = "Messages in flight per connection (default: ${DEFAULT-VALUE}).")
  int pipeline;

  @Option(names = "--binary", description = "Send binary messages instead of text.")
  boolean binary;

  @Option(
      names = "--deflate",
      description =
          "Offer permessage-deflate and send each message compressed (RFC 7692); a connection"
              + " fails if the server does not accept it.")
  boolean deflate;

  @Mixin DurationOption measure;

  @Option(
      names = "--warmup",
      defaultValue = "2s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Load before measuring, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--drain",
      defaultValue = "2s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the last echoes at the end (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Override
  void check(LoadSettings load) {
    Checks.positive(spec, "--size", size);
    Checks.atMost(spec, "--size", size, BenchClient.MAX_MESSAGE_SIZE, "16 MiB");
    Checks.positive(spec, "--pipeline", pipeline);
    Checks.atMost(spec, "--pipeline", pipeline, 1024, "more only fills buffers");
    measure.check(spec);
    Checks.notNegative(spec, "--warmup", warmup);
    Checks.notNegative(spec, "--drain", drain);
  }

  @Override
  boolean deflate() {
    return deflate;
  }

  @Override
  Summary run(LoadSettings load, BenchClient client, Progress progress) {
    return new EchoRun(
            new EchoRun.Settings(load, size, pipeline, binary, warmup, measure.duration, drain),
            client,
            progress)
        .run();
  }
}
