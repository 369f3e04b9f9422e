package dev.pushwire.bench.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens a run's connections with a {@link ConnectionOpener}, printing progress every second. */
final class OpenPhase {
  private OpenPhase() {}

  /**
   * Opens and closes {@code count} connections, not measured, so that the JIT compilers (the
   * server's and the generator's) and the server's one-time allocations are done before a run
   * measures a steady state.
   */
  static void warmUp(BenchClient client, LoadSettings load, int count, Progress progress) {
    if (count <= 0) {
      return;
    }
    Connections warm = new Connections();
    ConnectionOpener opener =
        ConnectionOpener.of(client, load, count, i -> new DiscardSession(), warm);
    run(opener, count, load.openTimeout(), progress, "warm-up");
    warm.closeAll(Duration.ofSeconds(5));
    Progress.sleepUntil(System.nanoTime() + 500_000_000L);
  }

  /**
   * Runs {@code opener} until every attempt ended or {@code timeout} passed (then stops it);
   * returns whether every attempt ended.
   */
  static boolean run(
      ConnectionOpener opener, int count, Duration timeout, Progress progress, String what) {
    var done = opener.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastOpened = 0;
    long lastNanos = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      long wait = Math.min(1_000_000_000L, deadline - now);
      try {
        done.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        progress.line(
            what
                + " "
                + Summary.format(opener.opened())
                + "/"
                + Summary.format(count)
                + " open, "
                + Summary.format(opener.failed())
                + " failed, in "
                + String.format(java.util.Locale.ROOT, "%.2f", opener.seconds())
                + " s");
        return true;
      } catch (TimeoutException e) {
        if (System.nanoTime() >= deadline) {
          opener.stop();
          progress.line(what + ": gave up after " + timeout.toSeconds() + " s");
          return false;
        }
        long opened = opener.opened();
        long t = System.nanoTime();
        progress.line(
            what
                + " "
                + Summary.format(opened)
                + "/"
                + Summary.format(count)
                + " open, "
                + Summary.format(opener.failed())
                + " failed, "
                + Progress.rate((opened - lastOpened) * 1e9 / (t - lastNanos))
                + "/s");
        lastOpened = opened;
        lastNanos = t;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        opener.stop();
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
