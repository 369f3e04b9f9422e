package dev.pushwire.bench;

import dev.pushwire.bench.internal.BenchClient;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.Progress;
import dev.pushwire.bench.internal.Summary;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every scenario command does: checks its options, starts the generator's event loops, runs,
 * prints the summary (text or JSON) and returns {@link BenchCommand#EXIT_OK} for a clean run or
 * {@link BenchCommand#EXIT_UNCLEAN} when it saw failures, loss or duplicates.
 */
abstract class ScenarioCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LoadOptions options;

  // No defaultValue: the field's initial value, each command's own, is the default picocli shows.
  @Option(
      names = {"-c", "--connections"},
      paramLabel = "N",
      description = "Connections (default: ${DEFAULT-VALUE}).")
  int connections;

  /** A command that opens {@code connections} connections unless told otherwise. */
  ScenarioCommand(int connections) {
    this.connections = connections;
  }

  /** Checks the command's own options; throws a ParameterException when one is wrong. */
  abstract void check(LoadSettings load);

  /** Whether the scenario's connections offer and require permessage-deflate. */
  boolean deflate() {
    return false;
  }

  /** Runs the scenario. */
  abstract Summary run(LoadSettings load, BenchClient client, Progress progress) throws Exception;

  @Override
  public final Integer call() throws Exception {
    LoadSettings load = options.settings(spec, connections);
    check(load);
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress(options.quiet ? null : spec.commandLine().getErr());
    Summary summary;
    try (BenchClient client =
        new BenchClient(
            options.threads, options.sources(spec), options.connectTimeout, deflate())) {
      summary = run(load, client, progress);
    }
    summary.print(out, options.json);
    return Boolean.TRUE.equals(summary.asMap().get("ok"))
        ? BenchCommand.EXIT_OK
        : BenchCommand.EXIT_UNCLEAN;
  }
}
