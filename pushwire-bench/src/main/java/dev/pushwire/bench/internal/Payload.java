package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;

/**
 * The fan-out message body: a 16-digit hexadecimal sequence number, a 16-digit hexadecimal send
 * time ({@link System#nanoTime()} of the publisher, meaningful because publisher and subscribers
 * are one process), then {@code x} up to the requested size. Plain ASCII, so it passes unchanged
 * through a JSON string, a text frame and any server that forwards text.
 *
 * <pre>
 * 000000000000002a00001c9e6f4b21d0xxxxxxxx...
 * </pre>
 */
public final class Payload {
  /** The smallest body: the two numbers. */
  public static final int MIN_SIZE = 32;

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Payload() {}

  /**
   * A body of {@code size} bytes (at least {@link #MIN_SIZE}) carrying {@code seq} and {@code
   * sentNanos}.
   */
  public static byte[] encode(long seq, long sentNanos, int size) {
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException("a payload has at least " + MIN_SIZE + " bytes");
    }
    byte[] out = new byte[size];
    hex(out, 0, seq);
    hex(out, 16, sentNanos);
    java.util.Arrays.fill(out, MIN_SIZE, size, (byte) 'x');
    return out;
  }

  private static void hex(byte[] out, int at, long v) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** Whether {@code buf} starts with a well-formed body (at least {@link #MIN_SIZE} hex digits). */
  public static boolean isPayload(ByteBuf buf) {
    if (buf.readableBytes() < MIN_SIZE) {
      return false;
    }
    int start = buf.readerIndex();
    for (int i = 0; i < MIN_SIZE; i++) {
      if (digit(buf.getByte(start + i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The sequence number of a body that {@link #isPayload} accepted. */
  public static long sequence(ByteBuf buf) {
    return read(buf, buf.readerIndex());
  }

  /** The send time of a body that {@link #isPayload} accepted. */
  public static long sentNanos(ByteBuf buf) {
    return read(buf, buf.readerIndex() + 16);
  }

  private static long read(ByteBuf buf, int at) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      v = (v << 4) | digit(buf.getByte(at + i));
    }
    return v;
  }

  private static int digit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    return -1;
  }
}
