package dev.pushwire.server.internal.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.pushwire.server.LogLevel;
import org.slf4j.LoggerFactory;

/**
 * Sets Logback's levels from {@link LogLevel}. Netty stays at WARN (see {@code logback.xml}) unless
 * the level is {@link LogLevel#TRACE}. Does nothing when SLF4J is bound to something other than
 * Logback (an application embedding the node chose its own logging).
 */
public final class LogLevels {
  private LogLevels() {}

  /** Makes {@code level} the root level. */
  public static void apply(LogLevel level) {
    if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
      return;
    }
    Level l = Level.toLevel(level.name(), Level.INFO);
    root.setLevel(l);
    if (LoggerFactory.getLogger("io.netty") instanceof Logger netty) {
      netty.setLevel(level == LogLevel.TRACE ? Level.TRACE : Level.WARN);
    }
  }
}
