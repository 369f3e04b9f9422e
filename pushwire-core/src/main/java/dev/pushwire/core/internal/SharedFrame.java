package dev.pushwire.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.zip.Deflater;

/**
 * One outbound message framed once (RFC 6455 section 5.2, unmasked, FIN set) and, when some
 * receivers negotiated permessage-deflate without server context takeover, compressed once (RFC
 * 7692 section 7.2.1). Each receiver writes a retained duplicate of the same bytes; the encoders in
 * the pipeline pass raw buffers through untouched.
 *
 * <p>Reference counted: the creator calls {@link #release()} when it has handed out its duplicates.
 */
final class SharedFrame {
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_BINARY = 0x2;
  private static final int FIN = 0x80;
  private static final int RSV1 = 0x40;
  private static final byte[] DEFLATE_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
  private static final ThreadLocal<Deflater[]> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater[10]);

  private final boolean binary;
  private final int payloadLength;
  private final int headerLength;
  private final ByteBuf plain;
  private final ByteBuf compressed;

  private SharedFrame(boolean binary, int payloadLength, ByteBuf plain, ByteBuf compressed) {
    this.binary = binary;
    this.payloadLength = payloadLength;
    this.headerLength = plain.readableBytes() - payloadLength;
    this.plain = plain;
    this.compressed = compressed;
  }

  /**
   * Frames {@code payload} (its readable bytes; not released here).
   *
   * @param compressLevel 1-9 to also build a compressed frame, 0 for none
   */
  static SharedFrame of(
      ByteBufAllocator alloc, boolean binary, ByteBuf payload, int compressLevel) {
    int opcode = binary ? OPCODE_BINARY : OPCODE_TEXT;
    int length = payload.readableBytes();
    ByteBuf plain = alloc.directBuffer(headerLength(length) + length);
    writeHeader(plain, FIN | opcode, length);
    plain.writeBytes(payload, payload.readerIndex(), length);
    ByteBuf compressed = null;
    if (compressLevel > 0) {
      compressed = compress(alloc, payload, compressLevel, opcode);
    }
    return new SharedFrame(binary, length, plain, compressed);
  }

  /**
   * {@code payload} (its readable bytes; not released here) framed for one connection that
   * compresses without context takeover: compressed with this thread's deflater when that is
   * smaller, else plain. Netty's encoder would build a new zlib stream (and its tens of KiB of
   * native state) for every such message; the raw frame passes it untouched.
   */
  static ByteBuf single(ByteBufAllocator alloc, boolean binary, ByteBuf payload, int level) {
    int opcode = binary ? OPCODE_BINARY : OPCODE_TEXT;
    ByteBuf compressed = compress(alloc, payload, level, opcode);
    if (compressed != null) {
      return compressed;
    }
    int length = payload.readableBytes();
    ByteBuf plain = alloc.directBuffer(headerLength(length) + length);
    writeHeader(plain, FIN | opcode, length);
    plain.writeBytes(payload, payload.readerIndex(), length);
    return plain;
  }

  private static ByteBuf compress(ByteBufAllocator alloc, ByteBuf payload, int level, int opcode) {
    Deflater[] perLevel = DEFLATERS.get();
    Deflater deflater = perLevel[level];
    if (deflater == null) {
      deflater = new Deflater(level, true);
      perLevel[level] = deflater;
    }
    deflater.reset();
    byte[] in = new byte[payload.readableBytes()];
    payload.getBytes(payload.readerIndex(), in);
    deflater.setInput(in);
    byte[] out = new byte[in.length + 64];
    int n = 0;
    while (true) {
      n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
      if (n < out.length) {
        break;
      }
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    // RFC 7692 7.2.1: the sender removes the 0x00 0x00 0xff 0xff tail of a sync flush.
    int len = n;
    if (len >= 4
        && out[len - 4] == DEFLATE_TAIL[0]
        && out[len - 3] == DEFLATE_TAIL[1]
        && out[len - 2] == DEFLATE_TAIL[2]
        && out[len - 1] == DEFLATE_TAIL[3]) {
      len -= 4;
    }
    if (len >= in.length) {
      return null; // incompressible: the plain frame is smaller
    }
    ByteBuf frame = alloc.directBuffer(headerLength(len) + len);
    writeHeader(frame, FIN | RSV1 | opcode, len);
    frame.writeBytes(out, 0, len);
    return frame;
  }

  private static int headerLength(int length) {
    return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
  }

  private static void writeHeader(ByteBuf buf, int b0, int length) {
    buf.writeByte(b0);
    if (length < 126) {
      buf.writeByte(length);
    } else if (length <= 0xFFFF) {
      buf.writeByte(126);
      buf.writeShort(length);
    } else {
      buf.writeByte(127);
      buf.writeLong(length);
    }
  }

  /** The payload size before compression. */
  int payloadLength() {
    return payloadLength;
  }

  /** A message for a connection of the given kind: a raw frame, or a frame object to compress. */
  Object forConnection(Connection.Deflate deflate) {
    switch (deflate) {
      case SHARED:
        return compressed != null ? compressed.retainedDuplicate() : plain.retainedDuplicate();
      case OWN:
        ByteBuf content = plain.retainedSlice(headerLength, payloadLength);
        WebSocketFrame frame =
            binary ? new BinaryWebSocketFrame(content) : new TextWebSocketFrame(content);
        return frame;
      case NONE:
      default:
        return plain.retainedDuplicate();
    }
  }

  /** An independent copy (its own buffers and reference counts), for another event loop. */
  SharedFrame copy(ByteBufAllocator alloc) {
    ByteBuf plainCopy =
        alloc
            .directBuffer(plain.readableBytes())
            .writeBytes(plain, plain.readerIndex(), plain.readableBytes());
    ByteBuf compressedCopy =
        compressed == null
            ? null
            : alloc
                .directBuffer(compressed.readableBytes())
                .writeBytes(compressed, compressed.readerIndex(), compressed.readableBytes());
    return new SharedFrame(binary, payloadLength, plainCopy, compressedCopy);
  }

  /** Another reference, for handing to another thread. */
  SharedFrame retain() {
    plain.retain();
    if (compressed != null) {
      compressed.retain();
    }
    return this;
  }

  /** Drops one reference. */
  void release() {
    plain.release();
    if (compressed != null) {
      compressed.release();
    }
  }
}
