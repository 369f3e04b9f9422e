package dev.pushwire.server.internal.daemon;

import dev.pushwire.server.internal.config.DurationText;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a graceful stop that exits 0, where the JVM on its own would run
 * its shutdown hooks and exit 143 or 130.
 *
 * <p>The first signal {@linkplain #awaitStopRequest() wakes the thread} that then drains the node,
 * and starts a watchdog: if the process has not exited when {@code deadline} has passed, it exits
 * at once with status 1. A second signal does the same without waiting. Either forced exit first
 * runs {@code onForcedExit} (which removes the pid file).
 *
 * <p>The handlers use {@code sun.misc.Signal} (module {@code jdk.unsupported}, in every JDK since
 * 9, through reflection). Where they cannot be installed, or when the JVM shuts down for another
 * reason (SIGHUP, {@code System.exit} elsewhere), a shutdown hook requests the stop instead and
 * waits for the drain, and the JVM exits with the status it was going to.
 *
 * <p>A signal that the parent process ignored stays ignored: POSIX passes an ignored disposition on
 * to the programs a process starts, a shell script ignores SIGINT for the jobs it starts with
 * {@code &}, and the JVM keeps an ignored SIGINT or SIGTERM ignored (asking for a handler then
 * changes nothing and returns {@code SIG_IGN}). The node respects that choice of its parent and
 * says at start which signals drain it and which it ignores, so that a stop that does nothing is
 * never a mystery.
 */
public final class ShutdownSignals {
  private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

  /** The exit status of a stop forced by a second signal or the deadline. */
  public static final int FORCED_EXIT_STATUS = 1;

  private final Duration deadline;
  private final Runnable onForcedExit;
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String reason;

  private ShutdownSignals(Duration deadline, Runnable onForcedExit) {
    this.deadline = deadline;
    this.onForcedExit = onForcedExit;
  }

  /**
   * Installs the handlers for SIGTERM and SIGINT, and the fallback shutdown hook.
   *
   * @param deadline how long the stop may take from the first signal
   * @param onForcedExit runs just before a forced exit; must be quick
   */
  public static ShutdownSignals install(Duration deadline, Runnable onForcedExit) {
    ShutdownSignals s = new ShutdownSignals(deadline, onForcedExit);
    List<String> draining = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        if (handle(name, () -> s.signalled("SIG" + name))) {
          draining.add("SIG" + name);
        } else {
          ignored.add("SIG" + name);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // The JVM keeps this signal (for example with -Xrs): the shutdown hook below stands in.
        log.debug("cannot handle SIG{}: {}; the shutdown hook stops the node", name, e.toString());
        draining.add("SIG" + name);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::shuttingDown, "pushwire-shutdown"));
    logDispositions(draining, ignored);
    return s;
  }

  /** Says which signals drain the node and which it ignores, and what to do about the latter. */
  private static void logDispositions(List<String> draining, List<String> ignored) {
    if (!draining.isEmpty()) {
      log.info(
          "signals: {} {} the node",
          String.join(" and ", draining),
          draining.size() == 1 ? "drains" : "drain");
    }
    if (ignored.isEmpty()) {
      return;
    }
    String stop =
        draining.contains("SIGTERM")
            ? "stop it with SIGTERM (pushwire stop, kill PID)"
            : draining.isEmpty()
                ? "no signal but SIGKILL stops it, and SIGKILL skips the drain"
                : "stop it with "
                    + draining.get(0)
                    + " (kill -"
                    + draining.get(0).substring(3)
                    + " PID); pushwire stop sends SIGTERM and cannot";
    log.warn(
        "signals: {} {} ignored: the process that started this node ignored {} (nohup, a"
            + " background job of a script, or a supervisor), and a JVM cannot take an ignored"
            + " signal back; {}",
        String.join(" and ", ignored),
        ignored.size() == 1 ? "is" : "are",
        ignored.size() == 1 ? "it" : "them",
        stop);
  }

  /**
   * Whether process {@code pid} ignores signal number {@code signo}, from Linux's {@code
   * /proc/PID/status}; false where that cannot be read.
   */
  public static boolean ignores(long pid, int signo) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("SigIgn:")) {
          long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
          return (mask & (1L << (signo - 1))) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or the process is gone: nothing known.
    }
    return false;
  }

  /**
   * {@code sun.misc.Signal.handle(new Signal(name), sig -> handler.run())}, through reflection: the
   * class is a supported part of the JDK (module {@code jdk.unsupported}), but naming it in source
   * makes javac warn on every build. Returns false when the signal was ignored, and still is.
   */
  private static boolean handle(String name, Runnable handler) throws ReflectiveOperationException {
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
    Object signal = signalClass.getConstructor(String.class).newInstance(name);
    Object proxy =
        Proxy.newProxyInstance(
            handlerClass.getClassLoader(),
            new Class<?>[] {handlerClass},
            (self, method, args) -> {
              switch (method.getName()) {
                case "handle":
                  handler.run();
                  return null;
                case "hashCode":
                  return System.identityHashCode(self);
                case "equals":
                  return self == args[0];
                default:
                  return "ShutdownSignals handler of SIG" + name;
              }
            });
    Object previous =
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
    // An ignored signal stays ignored (see the class comment): the JVM says so by returning
    // SIG_IGN as the previous handler, and has not installed ours.
    return previous != handlerClass.getField("SIG_IGN").get(null);
  }

  /** Blocks until a stop is requested; returns what requested it, such as {@code SIGTERM}. */
  public String awaitStopRequest() throws InterruptedException {
    requested.await();
    return reason;
  }

  /** The stop has finished: the fallback hook may let the JVM exit. */
  public void finished() {
    finished.countDown();
  }

  /** Requests the stop, logging {@code announcement} first; false if it was requested before. */
  private synchronized boolean request(String why, String announcement) {
    if (requested.getCount() == 0) {
      return false;
    }
    log.info(
        "{}: draining (at most {}{})",
        announcement,
        DurationText.format(deadline),
        why.startsWith("SIG") ? "; send it again to exit at once" : "");
    reason = why;
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(deadline.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              log.error(
                  "the stop did not finish within drain-timeout {}: exiting now",
                  DurationText.format(deadline));
              forceExit();
            },
            "pushwire-drain-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
    requested.countDown();
    return true;
  }

  private void signalled(String name) {
    if (!request(name, "received " + name)) {
      log.warn("received {} again: exiting now, without finishing the drain", name);
      forceExit();
    }
  }

  private void shuttingDown() {
    request("shutdown", "the JVM is shutting down");
    try {
      // The drain runs on the thread that awaited the request; the deadline watchdog bounds it.
      finished.await(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forceExit() {
    try {
      onForcedExit.run();
    } finally {
      Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
    }
  }
}
