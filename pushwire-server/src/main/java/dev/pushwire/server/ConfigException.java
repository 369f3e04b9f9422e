package dev.pushwire.server;

/**
 * The configuration is wrong: a bad value, an unknown key, an unreadable file. The message names
 * the key as the user wrote it and says what was expected, for example {@code port: bad value 'abc'
 * (expected 0-65535)}; the program prints it as one line after {@code config error: } and exits
 * with status 2.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public ConfigException(String message) {
    super(message);
  }

  /** {@code key} has {@code value}, which is not {@code expected}. */
  public static ConfigException badValue(String key, String value, String expected) {
    return new ConfigException(key + ": bad value '" + value + "' (expected " + expected + ")");
  }
}
