package dev.pushwire.server.cli;

import dev.pushwire.server.internal.daemon.PidFile;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that act on a running node ({@code status}, {@code stop}) share: the {@code
 * --pid-file} option and the reading of the file it names. A file that cannot be read ends the
 * command with {@link PushwireCommand#EXIT_FAILURE}; otherwise the command goes on with what it
 * says.
 */
abstract class PidFileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description = "The node's pid file (" + PidFile.DEFAULT + ").")
  Path pidFile = Path.of(PidFile.DEFAULT);

  @Override
  public final Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PidFile pid = new PidFile(pidFile);
    PidFile.Check check;
    try {
      check = pid.check();
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    return run(pid, check, out, err);
  }

  /** The command, given what {@code pid} says about its node; returns the exit status. */
  abstract int run(PidFile pid, PidFile.Check check, PrintWriter out, PrintWriter err)
      throws InterruptedException;
}
