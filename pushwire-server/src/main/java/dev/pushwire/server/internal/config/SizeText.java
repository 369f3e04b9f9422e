package dev.pushwire.server.internal.config;

import java.util.Locale;

/** Byte sizes as people write them: {@code 65536}, {@code 64KiB}, {@code 1MiB}, {@code 1GiB}. */
public final class SizeText {
  /** What {@link #parse} accepts, for error messages. */
  public static final String EXPECTED = "a size such as 65536, 64KiB, 1MiB";

  private SizeText() {}

  /**
   * Parses {@code text} into bytes.
   *
   * @throws IllegalArgumentException if it is not a size or does not fit in an int
   */
  public static int parse(String text) {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 10) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    long amount = Long.parseLong(s.substring(0, i));
    long factor;
    switch (s.substring(i).trim().toLowerCase(Locale.ROOT)) {
      case "":
      case "b":
        factor = 1;
        break;
      case "kib":
        factor = 1024;
        break;
      case "mib":
        factor = 1024 * 1024;
        break;
      case "gib":
        factor = 1024 * 1024 * 1024;
        break;
      default:
        throw new IllegalArgumentException("not a size: " + text);
    }
    long bytes = amount * factor;
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("size too large: " + text);
    }
    return (int) bytes;
  }

  /**
   * Writes {@code bytes} the way {@link #parse} reads it, in the largest exact unit: {@code 64KiB}.
   */
  public static String format(long bytes) {
    if (bytes > 0 && bytes % (1024L * 1024 * 1024) == 0) {
      return bytes / (1024L * 1024 * 1024) + "GiB";
    }
    if (bytes > 0 && bytes % (1024L * 1024) == 0) {
      return bytes / (1024L * 1024) + "MiB";
    }
    if (bytes > 0 && bytes % 1024 == 0) {
      return bytes / 1024 + "KiB";
    }
    return Long.toString(bytes);
  }
}
