package dev.pushwire.server.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps a warm-up's own log lines out of the log: below WARN, whatever a thread {@link #mark}ed
 * logs is dropped (the throwaway server's "listening on 127.0.0.1:…", its connections at debug
 * level). Warnings and errors still pass: they would mean the warm-up itself went wrong.
 *
 * <p>Installed in Logback only while a warm-up runs: a turbo filter is asked about every logging
 * call, enabled or not, and the event loops of a serving node should not pay for it. Does nothing
 * when SLF4J is bound to something other than Logback.
 */
public final class WarmupLogFilter extends TurboFilter {
  private static final ThreadLocal<Boolean> MARKED = new ThreadLocal<>();
  private static final WarmupLogFilter INSTANCE = new WarmupLogFilter();
  private static int installed;

  private WarmupLogFilter() {}

  /** Drops what the current thread logs below WARN while a warm-up runs. */
  public static void mark() {
    MARKED.set(Boolean.TRUE);
  }

  /** Lets the current thread log again. */
  public static void unmark() {
    MARKED.remove();
  }

  /** Installs the filter until {@link #uninstall()}; calls may nest (nodes warming at once). */
  public static synchronized void install() {
    if (installed++ == 0 && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      INSTANCE.start();
      context.addTurboFilter(INSTANCE);
    }
  }

  /** Undoes one {@link #install()}. */
  public static synchronized void uninstall() {
    if (--installed == 0 && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getTurboFilterList().remove(INSTANCE);
    }
  }

  @Override
  public FilterReply decide(
      Marker marker,
      ch.qos.logback.classic.Logger logger,
      Level level,
      String format,
      Object[] params,
      Throwable t) {
    return level.toInt() < Level.WARN_INT && MARKED.get() != null
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
