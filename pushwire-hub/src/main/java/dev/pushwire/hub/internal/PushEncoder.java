package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;

/**
 * Turns one channel's publications into what clients receive, as UTF-8 bytes, once per publication
 * and node (never per subscriber). Publication data is JSON text in UTF-8, and nothing here parses
 * it as JSON.
 *
 * <ul>
 *   <li>Plain clients: a JSON string as its text, unquoted; any other value as its JSON text.
 *   <li>{@code pushwire.v1} clients: {@code {"channel":..,"offset":..,"epoch":..,"data":<value>}}.
 * </ul>
 *
 * <p>The bytes are those of the text the hub built before it worked on bytes (decode the data,
 * build a {@code String}, encode it), also for data that is not what the hub writes (another
 * publisher wrote to the broker): such data is passed on as it is, and bytes that are not UTF-8 are
 * left for {@link Delivery} to decode as that text did (see {@link ServerDelivery}).
 *
 * <p>The channel and the epoch are quoted once and kept, not per publication: the channel for the
 * encoder's life, the epoch until a publication arrives in another one. Because of that state an
 * encoder is not thread-safe: each channel has its own ({@link ChannelState#encoder}), used under
 * the channel's lock.
 */
final class PushEncoder {
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private final String channel;

  /** {@code {"channel":<channel>,"offset":}, built with the first envelope. */
  private byte[] head;

  /** The epoch that {@link #middle} holds. */
  private String epoch;

  /** {@code ,"epoch":<epoch>,"data":}. */
  private byte[] middle;

  PushEncoder(String channel) {
    this.channel = channel;
  }

  /** What a plain client receives. */
  static byte[] plain(Publication p) {
    byte[] data = p.data();
    int i = skipJsonSpace(data, 0);
    if (i == data.length || data[i] != '"') {
      return data;
    }
    return JsonStringDecoder.unquote(data, i);
  }

  /** What a {@code pushwire.v1} client receives. */
  byte[] envelope(Publication p) {
    byte[] data = p.data();
    if (isBlank(data)) {
      data = NULL;
    }
    if (head == null) {
      head = utf8("{\"channel\":" + Json.quote(channel) + ",\"offset\":");
    }
    if (!p.epoch().equals(epoch)) {
      epoch = p.epoch();
      middle = utf8(",\"epoch\":" + Json.quote(epoch) + ",\"data\":");
    }
    long offset = p.offset();
    int digits = digits(offset);
    byte[] out = new byte[head.length + digits + middle.length + data.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    int at = head.length;
    writeDigits(offset, out, at, digits);
    at += digits;
    System.arraycopy(middle, 0, out, at, middle.length);
    at += middle.length;
    System.arraycopy(data, 0, out, at, data.length);
    out[out.length - 1] = '}';
    return out;
  }

  /**
   * The notice that ends a {@code pushwire.v1} subscription the client did not end: {@code
   * {"channel":..,"unsubscribed":{"code":..,"resubscribe":true,"message":..}}}.
   */
  static String unsubscribed(String channel, String code, String message) {
    return "{\"channel\":"
        + Json.quote(channel)
        + ",\"unsubscribed\":{\"code\":"
        + Json.quote(code)
        + ",\"resubscribe\":true,\"message\":"
        + Json.quote(message)
        + "}}";
  }

  /** What connection {@code v1 ? pushwire.v1 : plain} receives, as text for a single send. */
  String forClient(boolean v1, Publication p) {
    return new String(v1 ? envelope(p) : plain(p), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Index of the first byte at or after {@code i} that is not JSON whitespace. */
  static int skipJsonSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * Whether the data decodes to a blank text ({@link String#isBlank()}), which the envelope sends
   * as {@code null}. JSON data starts with a byte that decides at once; only text that starts with
   * non-ASCII bytes is decoded to tell.
   */
  static boolean isBlank(byte[] data) {
    for (byte b : data) {
      if (b < 0) {
        return new String(data, StandardCharsets.UTF_8).isBlank();
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  /** The number of decimal digits of {@code n}, an offset (1 or more). */
  private static int digits(long n) {
    int d = 1;
    for (long limit = 10; d < 19 && n >= limit; limit *= 10) {
      d++;
    }
    return d;
  }

  private static void writeDigits(long n, byte[] out, int at, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
  }
}
