package dev.pushwire.bench.internal;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/** The once-a-second progress lines of a run, and the sleeping between them. */
public final class Progress {
  private final PrintWriter out;
  private final long startNanos = System.nanoTime();

  /** Progress written to {@code out} (null: none). */
  public Progress(PrintWriter out) {
    this.out = out;
  }

  /** Prints {@code [ 12s] text}. */
  public void line(String text) {
    if (out != null) {
      double t = (System.nanoTime() - startNanos) / 1e9;
      out.println(String.format(Locale.ROOT, "[%5.1fs] %s", t, text));
      out.flush();
    }
  }

  /** Sleeps until {@link System#nanoTime()} reaches {@code deadline}. */
  public static void sleepUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A rate with a thousands separator and no decimals. */
  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }
}
