package dev.pushwire.server.internal;

import java.lang.reflect.Proxy;
import java.time.Duration;
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
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        handle(name, () -> s.signalled("SIG" + name));
      } catch (ReflectiveOperationException | RuntimeException e) {
        // The JVM keeps this signal (for example with -Xrs): the shutdown hook below stands in.
        log.debug("cannot handle SIG{}: {}; the shutdown hook stops the node", name, e.toString());
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::shuttingDown, "pushwire-shutdown"));
    return s;
  }

  /**
   * {@code sun.misc.Signal.handle(new Signal(name), sig -> handler.run())}, through reflection: the
   * class is a supported part of the JDK (module {@code jdk.unsupported}), but naming it in source
   * makes javac warn on every build.
   */
  private static void handle(String name, Runnable handler) throws ReflectiveOperationException {
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
    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
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
