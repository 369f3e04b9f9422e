package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Unquotes a JSON string from its UTF-8 bytes, for plain clients ({@link PushEncoder#plain}), with
 * no JSON parser: the result is what Jackson gave when it read the decoded text as a {@code String}
 * and that string was encoded again: escapes decoded, a lone surrogate becoming {@code ?} (what
 * {@link String#getBytes} makes of it), and anything that is not exactly one JSON string
 * (surrounded by JSON whitespace) left as it is.
 */
final class JsonStringDecoder {
  private JsonStringDecoder() {}

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
    if (i >= data.length || PushEncoder.skipJsonSpace(data, i + 1) != data.length) {
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
      return Json.MAPPER.readValue(text, String.class).getBytes(StandardCharsets.UTF_8);
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
   * Writes {@code cp} as UTF-8; a lone surrogate as {@code ?}. An escape is 6 bytes (12 for a pair)
   * and writes at most 3 (4), so {@code out} never overflows.
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
