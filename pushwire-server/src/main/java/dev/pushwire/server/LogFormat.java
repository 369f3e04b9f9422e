package dev.pushwire.server;

/** How each log line is written. */
public enum LogFormat {
  /** One readable line per event: time, level, logger, thread, message (the default). */
  TEXT,
  /** One JSON object per line, for log collectors: timestamp, level, logger, thread, message. */
  JSON
}
