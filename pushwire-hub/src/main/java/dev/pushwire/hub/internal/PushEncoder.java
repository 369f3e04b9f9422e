package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    return JsonStrings.unquote(data, i);
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

  /**
   * Unquoting a JSON string from its UTF-8 bytes, with the result Jackson gave when it read the
   * decoded text as a {@code String} and that string was encoded again: escapes decoded, a lone
   * surrogate becoming {@code ?} (what {@link String#getBytes} makes of it), and anything that is
   * not exactly one JSON string (surrounded by JSON whitespace) left as it is.
   */
  static final class JsonStrings {
    private JsonStrings() {}

    /**
     * The text of the JSON string that starts at {@code data[start]} (a quote), as UTF-8; {@code
     * data} itself when {@code data} is not one JSON string.
     */
    static byte[] unquote(byte[] data, int start) {
      int i = start + 1;
      boolean escapes = false;
      boolean nonAscii = false;
      while (i < data.length && data[i] != '"') {
        byte b = data[i];
        if (b == '\\') {
          escapes = true;
          i += 2;
          continue;
        }
        if (b >= 0 && b < 0x20) {
          return data; // Jackson refuses unescaped control characters in strings
        }
        nonAscii |= b < 0;
        i++;
      }
      if (i >= data.length || skipJsonSpace(data, i + 1) != data.length) {
        return data; // no closing quote, or something after the string
      }
      int end = i;
      if (end - start - 1 > Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength()
          || (nonAscii && !isUtf8(data, start + 1, end))) {
        // Beyond Jackson's string limit, or malformed text (the decoded text held U+FFFD): as it
        // was before, by Jackson on the decoded text.
        return byJackson(data);
      }
      if (!escapes) {
        return Arrays.copyOfRange(data, start + 1, end);
      }
      return unescape(data, start + 1, end);
    }

    private static byte[] byJackson(byte[] data) {
      String text = new String(data, StandardCharsets.UTF_8);
      try {
        return utf8(Json.MAPPER.readValue(text, String.class));
      } catch (JsonProcessingException e) {
        return data;
      }
    }

    /** Decodes the escapes in {@code data[from, to)}; {@code data} whole if one is invalid. */
    private static byte[] unescape(byte[] data, int from, int to) {
      byte[] out = new byte[to - from];
      int n = 0;
      int i = from;
      while (i < to) {
        byte b = data[i++];
        if (b != '\\') {
          out[n++] = b;
          continue;
        }
        if (i >= to) {
          return data;
        }
        byte e = data[i++];
        switch (e) {
          case '"', '\\', '/' -> out[n++] = e;
          case 'b' -> out[n++] = '\b';
          case 'f' -> out[n++] = '\f';
          case 'n' -> out[n++] = '\n';
          case 'r' -> out[n++] = '\r';
          case 't' -> out[n++] = '\t';
          case 'u' -> {
            int c = hex4(data, i, to);
            if (c < 0) {
              return data;
            }
            i += 4;
            int cp = c;
            if (Character.isHighSurrogate((char) c)
                && i + 6 <= to
                && data[i] == '\\'
                && data[i + 1] == 'u') {
              int low = hex4(data, i + 2, to);
              if (low >= 0 && Character.isLowSurrogate((char) low)) {
                cp = Character.toCodePoint((char) c, (char) low);
                i += 6;
              }
            }
            n = putCodePoint(out, n, cp);
          }
          default -> {
            return data;
          }
        }
      }
      return Arrays.copyOf(out, n);
    }

    /** The value of four hex digits at {@code data[i]}, or -1. */
    private static int hex4(byte[] data, int i, int to) {
      if (i + 4 > to) {
        return -1;
      }
      int v = 0;
      for (int k = i; k < i + 4; k++) {
        int d = Character.digit(data[k], 16);
        if (d < 0) {
          return -1;
        }
        v = v << 4 | d;
      }
      return v;
    }

    /**
     * Writes {@code cp} as UTF-8; a lone surrogate as {@code ?}. An escape is 6 bytes (12 for a
     * pair) and writes at most 3 (4), so {@code out} never overflows.
     */
    private static int putCodePoint(byte[] out, int n, int cp) {
      if (cp < 0x80) {
        out[n++] = (byte) cp;
      } else if (cp < 0x800) {
        out[n++] = (byte) (0xC0 | cp >> 6);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        out[n++] = '?';
      } else if (cp < 0x10000) {
        out[n++] = (byte) (0xE0 | cp >> 12);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[n++] = (byte) (0xF0 | cp >> 18);
        out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      }
      return n;
    }

    /** Whether {@code data[from, to)} is well-formed UTF-8 (Unicode table 3-7). */
    static boolean isUtf8(byte[] data, int from, int to) {
      int i = from;
      while (i < to) {
        int b = data[i] & 0xFF;
        if (b < 0x80) {
          i++;
          continue;
        }
        int needed;
        int lower = 0x80;
        int upper = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
          needed = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
          needed = 2;
          lower = b == 0xE0 ? 0xA0 : 0x80;
          upper = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
          needed = 3;
          lower = b == 0xF0 ? 0x90 : 0x80;
          upper = b == 0xF4 ? 0x8F : 0xBF;
        } else {
          return false;
        }
        if (i + needed >= to) {
          return false; // cut short
        }
        int c = data[i + 1] & 0xFF;
        if (c < lower || c > upper) {
          return false;
        }
        for (int k = 2; k <= needed; k++) {
          int d = data[i + k] & 0xFF;
          if (d < 0x80 || d > 0xBF) {
            return false;
          }
        }
        i += needed + 1;
      }
      return true;
    }
  }
}
