package dev.pushwire.server.internal.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.pushwire.server.LogFormat;
import org.slf4j.LoggerFactory;

/**
 * Switches the program's log lines to {@link LogFormat#JSON}: the standard-error appender of {@code
 * logback.xml} is replaced by one writing Logback's {@link JsonEncoder} lines, each an object with
 * {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc}, {@code formattedMessage} and {@code throwable}. Does nothing for {@link
 * LogFormat#TEXT}, or when SLF4J is bound to something other than Logback, or when the appender is
 * not there (an application embedding the node chose its own logging).
 */
public final class LogFormats {
  /** The appender {@code logback.xml} defines. */
  static final String APPENDER = "STDERR";

  private LogFormats() {}

  /** Makes {@code format} the format of every line logged from now on. */
  public static void apply(LogFormat format) {
    if (format != LogFormat.JSON
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> old = root.getAppender(APPENDER);
    if (!(old instanceof ConsoleAppender<ILoggingEvent> console)) {
      return;
    }
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
    json.setContext(context);
    json.setName(APPENDER);
    json.setTarget(console.getTarget());
    json.setEncoder(encoder);
    json.start();
    root.addAppender(json);
    root.detachAppender(console);
    console.stop();
  }
}
