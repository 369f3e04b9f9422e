package dev.pushwire.server;

/** How much the program logs; each level includes the ones above it. */
public enum LogLevel {
  /** Nothing at all. */
  OFF,
  /** Failures only. */
  ERROR,
  /** Failures and things an operator should look at. */
  WARN,
  /** Start-up, shutdown and refused requests (the default). */
  INFO,
  /** Every connection and publication. */
  DEBUG,
  /** Everything, including Netty's internals. */
  TRACE
}
