package dev.pushwire.jmh;

import java.nio.charset.StandardCharsets;

/**
 * Publication payloads of an exact UTF-8 size, shaped like application messages: a small JSON
 * object of ASCII words. Words repeat, so the payloads compress about as well as chat or ticker
 * JSON does; random bytes would make every deflate figure a worst case.
 */
public final class SamplePayloads {
  private static final String WORDS =
      "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut"
          + " labore et dolore magna aliqua ";
  private static final String OBJECT_HEAD = "{\"seq\":12345,\"text\":\"";
  private static final String OBJECT_TAIL = "\"}";

  /** The smallest size {@link #jsonObject} can build. */
  public static final int MIN_OBJECT_SIZE = OBJECT_HEAD.length() + OBJECT_TAIL.length();

  private SamplePayloads() {}

  /** A JSON object of exactly {@code size} UTF-8 bytes, at least {@link #MIN_OBJECT_SIZE}. */
  public static String jsonObject(int size) {
    if (size < MIN_OBJECT_SIZE) {
      throw new IllegalArgumentException("size must be " + MIN_OBJECT_SIZE + " or more: " + size);
    }
    return OBJECT_HEAD + words(size - MIN_OBJECT_SIZE) + OBJECT_TAIL;
  }

  /**
   * A JSON string literal of exactly {@code size} UTF-8 bytes, quotes included: what the hub stores
   * for text published with {@code publishText}.
   */
  public static String jsonString(int size) {
    if (size < 2) {
      throw new IllegalArgumentException("size must be 2 or more: " + size);
    }
    return '"' + words(size - 2) + '"';
  }

  /** {@link #jsonObject} as the bytes a broker keeps. */
  public static byte[] jsonObjectBytes(int size) {
    return jsonObject(size).getBytes(StandardCharsets.UTF_8);
  }

  private static String words(int length) {
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      sb.append(WORDS, 0, Math.min(WORDS.length(), length - sb.length()));
    }
    return sb.toString();
  }
}
