package dev.pushwire.server.cli;

import dev.pushwire.server.internal.BuildInfo;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command, {@code pushwire}: lists the subcommands and prints usage when run without one.
 * Build the command line with {@link #commandLine}, which wires the environment, standard input and
 * the error handling that every subcommand shares: a usage error prints one line and exits with
 * {@link #EXIT_USAGE}; an unexpected failure prints one line and exits with {@link #EXIT_FAILURE}.
 */
@Command(
    name = "pushwire",
    mixinStandardHelpOptions = true,
    versionProvider = PushwireCommand.Version.class,
    subcommands = {
      ServeCommand.class,
      StopCommand.class,
      StatusCommand.class,
      ClientCommand.class,
      PublishCommand.class,
      TokenCommand.class,
      dev.pushwire.bench.BenchCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "A WebSocket push server: clients subscribe to channels, publishers push to them.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pushwire serve                               # port 9876; prints an API key",
      "  pushwire client ws://127.0.0.1:9876/         # print what 'default' gets",
      "  pushwire publish --api-key KEY --data hello  # every client gets 'hello'",
      "  pushwire publish --api-key KEY --data hi --interval 1s   # once a second",
      "  pushwire serve --daemon; pushwire status; pushwire stop   # in the background",
      "",
      "Run 'pushwire COMMAND --help' for a command's options.",
      ""
    })
public final class PushwireCommand implements Callable<Integer> {
  /** Success. */
  public static final int EXIT_OK = 0;

  /** The work failed: a connection refused, a request rejected, a port taken. */
  public static final int EXIT_FAILURE = 1;

  /** The command line or the configuration is wrong. */
  public static final int EXIT_USAGE = 2;

  /** {@code stop} and {@code status}: the node is not running (what init scripts expect). */
  public static final int EXIT_NOT_RUNNING = 3;

  private static final Logger log = LoggerFactory.getLogger(PushwireCommand.class);

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final InputStream stdin;

  /** A root command reading {@code env} as the environment and {@code stdin} as standard input. */
  public PushwireCommand(Map<String, String> env, InputStream stdin) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
  }

  /** The command line for the program, ready to {@link CommandLine#execute}. */
  public static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
    CommandLine cmd = new CommandLine(new PushwireCommand(env, stdin));
    cmd.setUsageHelpAutoWidth(true);
    cmd.setParameterExceptionHandler(PushwireCommand::usageError);
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          log.debug("{} failed", line.getCommandName(), e);
          line.getErr().println("error: unexpected failure: " + e);
          line.getErr().flush();
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

  /** The environment the commands read. */
  Map<String, String> env() {
    return env;
  }

  /** Standard input. */
  InputStream stdin() {
    return stdin;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  /** {@code --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pushwire " + BuildInfo.version(), BuildInfo.runtime()};
    }
  }
}
