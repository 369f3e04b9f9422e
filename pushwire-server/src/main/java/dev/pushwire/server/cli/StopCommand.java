package dev.pushwire.server.cli;

import dev.pushwire.server.internal.config.DurationConverter;
import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.daemon.PidFile;
import dev.pushwire.server.internal.daemon.ShutdownSignals;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushwire stop}: sends SIGTERM to the node its pid file names and waits until the process
 * has exited; the node drains first (see {@code docs/OPERATIONS.md}). Exits 0 when it stopped, 1
 * when it was still running at the timeout, {@link PushwireCommand#EXIT_NOT_RUNNING} when it was
 * not running.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Stop a node started with --pid-file (or --daemon): send it SIGTERM, which drains it"
          + " (clients get close code 1001), and wait until it has exited.",
      "Exit status: 0 stopped, 1 still running after --timeout, 3 not running.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pushwire stop",
      "  pushwire stop --pid-file /run/pushwire/pushwire.pid --timeout 30s",
      ""
    })
final class StopCommand extends PidFileCommand {
  /** SIGTERM's number on Linux (and every other Unix). */
  private static final int SIGTERM = 15;

  /** How often the process is checked while waiting. */
  private static final Duration POLL = Duration.ofMillis(50);

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the process to exit (15s).")
  Duration timeout = Duration.ofSeconds(15);

  @Override
  int run(PidFile pid, PidFile.Check check, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    switch (check.state()) {
      case MISSING:
        out.println("pushwire is not running (no pid file " + pid.path() + ")");
        out.flush();
        return PushwireCommand.EXIT_NOT_RUNNING;
      case STALE:
        out.println(
            "pushwire is not running (pid file "
                + pid.path()
                + " names pid "
                + check.entry().pid()
                + ", which is not a running pushwire); removed the stale pid file");
        out.flush();
        pid.removeIfOwnedBy(check.entry().pid());
        return PushwireCommand.EXIT_NOT_RUNNING;
      default:
        break;
    }
    long p = check.entry().pid();
    if (ShutdownSignals.ignores(p, SIGTERM)) {
      err.println(
          "error: pushwire (pid "
              + p
              + ") ignores SIGTERM: the process that started it ignored SIGTERM, and the node"
              + " keeps it so (its log says so at start). Stop it with: kill -INT "
              + p
              + " (drains, unless SIGINT is ignored too), or at once with: kill -KILL "
              + p);
      err.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    if (!check.process().destroy()) {
      err.println("error: cannot send SIGTERM to pid " + p + " (not permitted?)");
      err.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    out.println("stopping pushwire (pid " + p + ")...");
    out.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (PidFile.pushwireProcess(p).isPresent()) {
      if (System.nanoTime() - deadline >= 0) {
        err.println(
            "error: pushwire (pid "
                + p
                + ") is still running after "
                + DurationText.format(timeout)
                + "; it may still be draining. Wait longer with --timeout, or stop it at once"
                + " with: kill -KILL "
                + p);
        err.flush();
        return PushwireCommand.EXIT_FAILURE;
      }
      Thread.sleep(POLL.toMillis());
    }
    // The node removes its pid file as it exits; one that was killed leaves it behind.
    pid.removeIfOwnedBy(p);
    out.println("stopped");
    out.flush();
    return PushwireCommand.EXIT_OK;
  }
}
