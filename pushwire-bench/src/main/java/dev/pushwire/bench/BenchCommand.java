package dev.pushwire.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command, {@code bench}: lists the scenarios and prints usage when run without one.
 * Another picocli program mounts it as a subcommand ({@code pushwire bench}); {@link BenchMain}
 * runs it alone with {@link #commandLine()}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    version = "pushwire-bench",
    subcommands = {
      EchoCommand.class,
      FanoutCommand.class,
      ConnectCommand.class,
      IdleCommand.class,
      FloorEchoCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "A WebSocket load generator for any WebSocket server on this machine. Progress goes to"
          + " standard error once a second; the summary goes to standard output (--json: one"
          + " object).",
      ""
    },
    footerHeading = "%nExit status:%n",
    footer = {
      "  0 a clean run; 1 the run could not be done; 2 bad options;",
      "  3 the run finished but saw failed connections, errors, loss or duplicates.",
      "",
      "Examples:",
      "  bench echo    --url ws://127.0.0.1:9876/ -c 100 -s 1024",
      "  bench fanout  --url ws://127.0.0.1:9876/ -c 1000 --rate 100 --publish ws",
      "  bench connect --url ws://127.0.0.1:9876/ -c 10000",
      "  bench idle    --url ws://127.0.0.1:9876/ -c 10000 --pid 12345"
    })
public final class BenchCommand implements Callable<Integer> {
  /** A clean run. */
  public static final int EXIT_OK = 0;

  /** The run could not be done: the server is not there, the publisher was refused. */
  public static final int EXIT_FAILURE = 1;

  /** The command line is wrong. */
  public static final int EXIT_USAGE = 2;

  /** The run finished but saw failed connections, errors, loss or duplicates. */
  public static final int EXIT_UNCLEAN = 3;

  @Spec CommandSpec spec;

  /** The command line with the usage and failure handling of the standalone program. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new BenchCommand());
    cmd.setUsageHelpAutoWidth(true);
    cmd.setParameterExceptionHandler(BenchCommand::usageError);
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          PrintWriter err = line.getErr();
          err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          err.flush();
          return EXIT_FAILURE;
        });
    return cmd;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println("error: " + e.getMessage());
    err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return EXIT_USAGE;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }
}
