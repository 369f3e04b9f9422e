package dev.pushwire.bench;

import dev.pushwire.bench.internal.BenchClient;
import dev.pushwire.bench.internal.DurationConverter;
import dev.pushwire.bench.internal.IdleRun;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.Progress;
import dev.pushwire.bench.internal.Summary;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code bench idle}: the server's resident memory per idle connection. */
@Command(
    name = "idle",
    mixinStandardHelpOptions = true,
    header = "The server's memory per idle connection.",
    description = {
      "Holds N idle connections and reports how much the server process's resident set"
          + " (VmRSS in /proc/PID/status) grew, per connection, after a settling pause. Nothing"
          + " is done to the server (no forced GC): the growth is what the process really holds.",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = "  bench idle --url ws://127.0.0.1:9876/ -c 10000 --pid $(pgrep -f EchoServer)")
public final class IdleCommand extends ScenarioCommand {
  /** Opens 10000 connections unless {@code -c} says otherwise. */
  public IdleCommand() {
    super(10000);
  }

  @Option(
      names = "--settle",
      defaultValue = "5s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Pause after the last connection before measuring (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--hold",
      defaultValue = "0s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Keep the connections open this long after measuring (default: 0s).")
  Duration hold;

  @Option(
      names = "--warmup-connections",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Open and close N connections before the first reading, so that one-time costs (the"
              + " JIT compilers' code and memory, first allocations) are not counted per"
              + " connection (default: ${DEFAULT-VALUE}: measure from a cold start).")
  int warmupConnections;

  @Override
  void check(LoadSettings load) {
    if (load.serverPid() == 0) {
      throw new ParameterException(
          spec.commandLine(), "idle needs the server's process id: add --pid PID");
    }
    Checks.notNegative(spec, "--warmup-connections", warmupConnections);
    Checks.notNegative(spec, "--settle", settle);
    Checks.notNegative(spec, "--hold", hold);
  }

  @Override
  Summary run(LoadSettings load, BenchClient client, Progress progress) {
    return new IdleRun(
            new IdleRun.Settings(load, load.serverPid(), settle, hold, warmupConnections),
            client,
            progress)
        .run();
  }
}
