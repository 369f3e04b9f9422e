package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A complete client-to-server WebSocket frame (RFC 6455 section 5.2: FIN, opcode, length, masking
 * key, masked payload) built once and written many times. Writing {@link #wire()} costs one small
 * wrapper object: no encoding, no masking, no copy, no reference counting. The masking key is fixed
 * per frame, which a server cannot tell from a fresh one; it is random per run.
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
    int len = payload.length;
    int header = 2 + (len <= 125 ? 0 : len <= 0xffff ? 2 : 8) + 4;
    ByteBuf b = Unpooled.directBuffer(header + len, header + len);
    b.writeByte(0x80 | opcode);
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
    return new PrebuiltFrame(Unpooled.unreleasableBuffer(b.asReadOnly()), len);
  }

  /** The frame's bytes, ready to write to a channel after the WebSocket handshake. */
  public ByteBuf wire() {
    return frame.duplicate();
  }

  /** The payload length. */
  public int payloadLength() {
    return payloadLength;
  }
}
