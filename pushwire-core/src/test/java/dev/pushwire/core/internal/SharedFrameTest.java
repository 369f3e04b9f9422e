package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class SharedFrameTest {

  private static ByteBuf payload(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + i % 7);
    }
    return Unpooled.wrappedBuffer(b);
  }

  @Test
  void framesSmallMediumAndLargePayloadsWithMinimalLengthEncoding() {
    int[][] cases = {{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}};
    for (int[] c : cases) {
      ByteBuf p = payload(c[0]);
      SharedFrame f = SharedFrame.of(ByteBufAllocator.DEFAULT, false, p, 0);
      ByteBuf wire = (ByteBuf) f.forConnection(Connection.Deflate.NONE);
      assertThat(wire.readableBytes()).isEqualTo(c[0] + c[1]);
      assertThat((int) wire.getUnsignedByte(0)).isEqualTo(0x81); // FIN + text
      wire.release();
      f.release();
      p.release();
    }
  }

  @Test
  void binaryFramesUseOpcodeTwo() {
    ByteBuf p = payload(10);
    SharedFrame f = SharedFrame.of(ByteBufAllocator.DEFAULT, true, p, 0);
    ByteBuf wire = (ByteBuf) f.forConnection(Connection.Deflate.NONE);
    assertThat((int) wire.getUnsignedByte(0)).isEqualTo(0x82);
    wire.release();
    f.release();
  }

  @Test
  void compressedFrameSetsRsv1AndInflatesToThePayload() throws Exception {
    ByteBuf p = payload(4000);
    byte[] original = new byte[4000];
    p.getBytes(0, original);
    SharedFrame f = SharedFrame.of(ByteBufAllocator.DEFAULT, false, p, 6);
    ByteBuf wire = (ByteBuf) f.forConnection(Connection.Deflate.SHARED);
    assertThat((int) wire.getUnsignedByte(0)).isEqualTo(0xC1); // FIN + RSV1 + text
    int len = wire.getUnsignedByte(1);
    int offset = 2;
    if (len == 126) {
      len = wire.getUnsignedShort(2);
      offset = 4;
    }
    assertThat(len).isLessThan(4000);
    byte[] compressed = new byte[len + 4];
    wire.getBytes(offset, compressed, 0, len);
    // RFC 7692 7.2.2: the receiver appends 0x00 0x00 0xff 0xff before inflating.
    compressed[len + 2] = (byte) 0xff;
    compressed[len + 3] = (byte) 0xff;
    Inflater inflater = new Inflater(true);
    inflater.setInput(compressed);
    byte[] out = new byte[8000];
    int n = inflater.inflate(out);
    assertThat(n).isEqualTo(4000);
    assertThat(java.util.Arrays.copyOf(out, n)).isEqualTo(original);
    wire.release();
    f.release();
  }

  @Test
  void incompressiblePayloadFallsBackToThePlainFrame() {
    byte[] random = new byte[1000];
    new java.util.Random(1).nextBytes(random);
    SharedFrame f =
        SharedFrame.of(ByteBufAllocator.DEFAULT, true, Unpooled.wrappedBuffer(random), 6);
    ByteBuf wire = (ByteBuf) f.forConnection(Connection.Deflate.SHARED);
    assertThat((int) wire.getUnsignedByte(0)).isEqualTo(0x82);
    wire.release();
    f.release();
  }

  @Test
  void perConnectionDeflateGetsAFrameObjectSharingThePayload() {
    ByteBuf p = Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8);
    SharedFrame f = SharedFrame.of(ByteBufAllocator.DEFAULT, false, p, 0);
    Object o = f.forConnection(Connection.Deflate.OWN);
    assertThat(o).isInstanceOf(TextWebSocketFrame.class);
    assertThat(((TextWebSocketFrame) o).text()).isEqualTo("hello");
    ((TextWebSocketFrame) o).release();
    f.release();
  }

  @Test
  void releasesEveryBufferWhenAllReferencesAreDropped() {
    ByteBuf p = payload(3000);
    SharedFrame f = SharedFrame.of(ByteBufAllocator.DEFAULT, false, p, 6);
    ByteBuf a = (ByteBuf) f.forConnection(Connection.Deflate.NONE);
    ByteBuf b = (ByteBuf) f.forConnection(Connection.Deflate.SHARED);
    f.retain();
    f.release();
    f.release();
    assertThat(a.refCnt()).isEqualTo(1); // the duplicates still hold the buffers
    a.release();
    b.release();
    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
  }
}
