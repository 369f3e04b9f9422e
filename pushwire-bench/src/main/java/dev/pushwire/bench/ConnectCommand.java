package dev.pushwire.bench;

import dev.pushwire.bench.internal.BenchClient;
import dev.pushwire.bench.internal.ConnectRun;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.Progress;
import dev.pushwire.bench.internal.Summary;
import dev.pushwire.bench.internal.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code bench connect}: how fast a server accepts N WebSocket connections. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    header = "How fast the server opens N connections.",
    description = {
      "Opens N connections as fast as the server accepts them, with at most --concurrency"
          + " handshakes in flight; reports handshakes/s, the total time, handshake percentiles"
          + " and failures by reason. Over ~28,000 connections, add --source-addresses.",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = "  bench connect --url ws://127.0.0.1:9876/ -c 10000 --concurrency 500")
public final class ConnectCommand extends ScenarioCommand {
  /** Opens 10000 connections unless {@code -c} says otherwise. */
  public ConnectCommand() {
    super(10000);
  }

  @Option(
      names = "--warmup-connections",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Open and close N connections first, not measured, so that JIT compilers (the"
              + " server's and the generator's) are warm (default: 0: measure a cold start).")
  int warmupConnections;

  @Option(
      names = "--warmup-url",
      paramLabel = "URL",
      description =
          "Open the --warmup-connections on this server instead of --url: another server, so that"
              + " only the generator is warm and the measured server starts cold.")
  String warmupUrl;

  @Override
  void check(LoadSettings load) {
    Checks.notNegative(spec, "--warmup-connections", warmupConnections);
    if (warmupUrl != null) {
      warmupTarget();
    }
  }

  private Target warmupTarget() {
    try {
      return Target.webSocket(warmupUrl);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--warmup-url " + e.getMessage());
    }
  }

  @Override
  Summary run(LoadSettings load, BenchClient client, Progress progress) {
    LoadSettings warmup =
        warmupUrl == null
            ? load
            : new LoadSettings(
                warmupTarget(),
                load.headers(),
                load.connections(),
                load.concurrency(),
                load.openTimeout(),
                load.serverPid());
    return new ConnectRun(load, warmup, warmupConnections, client, progress).run();
  }
}
