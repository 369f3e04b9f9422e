package dev.pushwire.server;

import dev.pushwire.server.internal.PidFile;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --pid-file} option of the commands that act on a running node ({@code status}, {@code
 * stop}), and the reading of the file it names.
 */
final class PidFileOption {
  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description = "The node's pid file (" + PidFile.DEFAULT + ").")
  Path pidFile = Path.of(PidFile.DEFAULT);

  /** The pid file. */
  PidFile pid() {
    return new PidFile(pidFile);
  }

  /**
   * What {@code pid} says about its node, or null when it cannot be read; then the reason is on
   * {@code err}.
   */
  static PidFile.Check check(PidFile pid, PrintWriter err) {
    try {
      return pid.check();
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return null;
    }
  }
}
