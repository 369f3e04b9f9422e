package dev.pushwire.redis.internal;

import dev.pushwire.hub.Publication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The form a publication takes in a channel's history list and on its pub/sub topic:
 *
 * <pre>
 * entry = offset ":" epoch ":" publishedAt ":" body        (the header is ASCII text)
 * body  = 0x00 data                                        (no info)
 *       | 0x01 count:u16 (key:utf value:utf){count} data    (with info; utf as in DataOutput)
 * </pre>
 *
 * The Java side makes the body; {@code publish.lua} adds the header, because only it knows the
 * offset and epoch. The header is text so that the script can read the publication's age.
 */
public final class PublicationCodec {
  private PublicationCodec() {}

  /** The body of a publication with {@code data} and {@code info}. */
  public static byte[] body(byte[] data, Map<String, String> info) {
    if (info.isEmpty()) {
      byte[] out = new byte[data.length + 1];
      System.arraycopy(data, 0, out, 1, data.length);
      return out;
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(1);
      out.writeShort(info.size());
      for (var e : info.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.write(data);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The publication in {@code entry}.
   *
   * @throws IllegalArgumentException if {@code entry} is not in this form
   */
  public static Publication decode(byte[] entry) {
    int a = indexOf(entry, 0);
    int b = indexOf(entry, a + 1);
    int c = indexOf(entry, b + 1);
    long offset = parseLong(entry, 0, a);
    String epoch = new String(entry, a + 1, b - a - 1, StandardCharsets.US_ASCII);
    long publishedAt = parseLong(entry, b + 1, c);
    if (c + 1 >= entry.length) {
      throw new IllegalArgumentException("publication entry without a body");
    }
    Map<String, String> info = Map.of();
    int dataStart = c + 2;
    if (entry[c + 1] == 1) {
      ByteArrayInputStream bytes = new ByteArrayInputStream(entry, c + 2, entry.length - c - 2);
      DataInputStream in = new DataInputStream(bytes);
      try {
        int count = in.readUnsignedShort();
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
          m.put(in.readUTF(), in.readUTF());
        }
        info = m;
      } catch (IOException e) {
        throw new IllegalArgumentException("publication entry with bad info", e);
      }
      dataStart = entry.length - bytes.available();
    }
    byte[] data = Arrays.copyOfRange(entry, dataStart, entry.length);
    return new Publication(offset, epoch, data, publishedAt, info);
  }

  private static int indexOf(byte[] a, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == ':') {
        return i;
      }
    }
    throw new IllegalArgumentException("publication entry without its offset:epoch:time header");
  }

  private static long parseLong(byte[] a, int from, int to) {
    if (from >= to) {
      throw new IllegalArgumentException("publication entry with an empty number in its header");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("publication entry with a bad number in its header");
      }
      v = v * 10 + d;
    }
    return v;
  }
}
