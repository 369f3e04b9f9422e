package dev.pushwire.bench.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The echo scenario's message bodies: ASCII text shaped like a JSON feed of price ticks, cut to the
 * requested size. A server's permessage-deflate then works on what it would compress in use
 * (repeated keys, varying digits), neither random bytes nor one letter repeated. Bodies differ by
 * variant but have the same size, so an echo is still recognised by its length.
 *
 * <pre>
 * [{"seq":0,"channel":"prices.eu","event":"tick","symbol":"QXRB","bid":418.07,"ask":418.19,...
 * </pre>
 */
public final class EchoBody {
  /** The bodies of a run hold this much at most, so that large messages get fewer variants. */
  static final int MAX_TOTAL_BYTES = 4 * 1024 * 1024;

  /**
   * Variants of one size: enough that, sent in turn on one connection, a body recurs only beyond a
   * 32 KiB deflate window for the usual sizes, so a server keeping its context between messages
   * cannot send mere back-references to the previous copy.
   */
  static final int MAX_VARIANTS = 64;

  private static final String[] CHANNELS = {"prices.eu", "prices.us", "prices.asia", "alerts"};
  private static final String[] EVENTS = {"tick", "trade", "quote", "update"};

  private EchoBody() {}

  /** How many variants a run of {@code size}-byte bodies uses. */
  static int variants(int size) {
    return Math.max(1, Math.min(MAX_VARIANTS, MAX_TOTAL_BYTES / Math.max(1, size)));
  }

  /** Body {@code variant} of {@code size} bytes; the same arguments give the same bytes. */
  public static byte[] of(int size, int variant) {
    SplittableRandom random = new SplittableRandom(0x5eed_0000L + variant);
    StringBuilder b = new StringBuilder(size + 200);
    b.append('[');
    for (int seq = variant * 1000; b.length() < size; seq++) {
      int bid = 10_000 + random.nextInt(90_000);
      b.append(b.length() > 1 ? ",{" : "{")
          .append("\"seq\":")
          .append(seq)
          .append(",\"channel\":\"")
          .append(CHANNELS[random.nextInt(CHANNELS.length)])
          .append("\",\"event\":\"")
          .append(EVENTS[random.nextInt(EVENTS.length)])
          .append("\",\"symbol\":\"");
      for (int i = 0; i < 4; i++) {
        b.append((char) ('A' + random.nextInt(26)));
      }
      b.append("\",\"bid\":")
          .append(String.format(Locale.ROOT, "%.2f", bid / 100.0))
          .append(",\"ask\":")
          .append(String.format(Locale.ROOT, "%.2f", (bid + 1 + random.nextInt(40)) / 100.0))
          .append(",\"volume\":")
          .append(random.nextInt(1_000_000))
          .append(",\"ts\":")
          .append(1_767_225_600_000L + seq * 37L + random.nextInt(1000))
          .append('}');
    }
    b.setLength(size);
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
