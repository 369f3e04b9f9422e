package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * A complete client-to-server WebSocket frame (RFC 6455 section 5.2: FIN, opcode, length, masking
 * key, masked payload) built once and written many times. Writing {@link #wire()} costs one small
 * wrapper object: no encoding, no masking, no copy, no reference counting. The masking key is fixed
 * per frame, which a server cannot tell from a fresh one; it is random per run.
 *
 * <p>A {@link #deflated} frame carries its message compressed as permessage-deflate (RFC 7692)
 * does, with a fresh deflate context, so it is valid on any connection that negotiated the
 * extension: a client may always compress each message on its own.
 */
public final class PrebuiltFrame {
  /** The text frame opcode. */
  public static final int TEXT = 0x1;

  /** The binary frame opcode. */
  public static final int BINARY = 0x2;

  private final ByteBuf frame;
  private final int payloadLength;

  private PrebuiltFrame(ByteBuf frame, int payloadLength) {
    this.frame = frame;
    this.payloadLength = payloadLength;
  }

  /**
   * A final, masked frame of {@code opcode} carrying {@code payload}, masked with {@code maskKey}.
   */
  public static PrebuiltFrame of(int opcode, byte[] payload, int maskKey) {
    return build(0x80 | opcode, payload, payload.length, maskKey);
  }

  /**
   * A final, masked frame of {@code opcode} carrying {@code message} compressed at deflate {@code
   * level} (RSV1 set, the trailing {@code 00 00 ff ff} removed, RFC 7692 section 7.2.1); its {@link
   * #payloadLength()} is the message's length, what the receiver gets once it inflates it.
   */
  public static PrebuiltFrame deflated(int opcode, byte[] message, int level, int maskKey) {
    return build(0x80 | 0x40 | opcode, deflate(message, level), message.length, maskKey);
  }

  /** {@code message} deflated with a fresh context, without the sync flush marker. */
  static byte[] deflate(byte[] message, int level) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setInput(message);
      ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 64);
      byte[] chunk = new byte[8192];
      int n;
      // A sync flush that fills the chunk may have more to give: stop on a short one.
      do {
        n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
        out.write(chunk, 0, n);
      } while (n == chunk.length);
      byte[] all = out.toByteArray();
      int len = all.length;
      if (len >= 4
          && all[len - 4] == 0
          && all[len - 3] == 0
          && all[len - 2] == (byte) 0xff
          && all[len - 1] == (byte) 0xff) {
        len -= 4;
      }
      return java.util.Arrays.copyOf(all, len);
    } finally {
      deflater.end();
    }
  }

  private static PrebuiltFrame build(
      int firstByte, byte[] payload, int messageLength, int maskKey) {
    int len = payload.length;
    int header = 2 + (len <= 125 ? 0 : len <= 0xffff ? 2 : 8) + 4;
    ByteBuf b = Unpooled.directBuffer(header + len, header + len);
    b.writeByte(firstByte);
    if (len <= 125) {
      b.writeByte(0x80 | len);
    } else if (len <= 0xffff) {
      b.writeByte(0x80 | 126);
      b.writeShort(len);
    } else {
      b.writeByte(0x80 | 127);
      b.writeLong(len);
    }
    b.writeInt(maskKey);
    byte[] mask = {
      (byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey
    };
    for (int i = 0; i < len; i++) {
      b.writeByte(payload[i] ^ mask[i & 3]);
    }
    return new PrebuiltFrame(Unpooled.unreleasableBuffer(b.asReadOnly()), messageLength);
  }

  /** The frame's bytes, ready to write to a channel after the WebSocket handshake. */
  public ByteBuf wire() {
    return frame.duplicate();
  }

  /** The message's length: the payload's, or for a deflated frame the inflated payload's. */
  public int payloadLength() {
    return payloadLength;
  }
}
