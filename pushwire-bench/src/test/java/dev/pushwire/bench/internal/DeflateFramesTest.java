package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The echo bodies, the prebuilt compressed frames, and the client's inflater. */
class DeflateFramesTest {

  @Test
  void echoBodiesHaveTheSizeDifferByVariantAndCompressLikeText() {
    byte[] a = EchoBody.of(1024, 0);
    byte[] b = EchoBody.of(1024, 1);
    assertThat(a).hasSize(1024).isEqualTo(EchoBody.of(1024, 0)).isNotEqualTo(b);
    assertThat(new String(a, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("[{\"seq\":");
    double ratio = (double) PrebuiltFrame.deflate(a, 6).length / a.length;
    // Realistic text: neither incompressible nor one letter repeated.
    assertThat(ratio).isBetween(0.15, 0.7);
    assertThat(EchoBody.of(7, 3)).hasSize(7);
    assertThat(EchoBody.variants(1024)).isEqualTo(64);
    assertThat(EchoBody.variants(16 * 1024 * 1024)).isEqualTo(1);
  }

  @Test
  void aDeflatedFrameHasRsv1AndInflatesToItsMessage() {
    byte[] body = EchoBody.of(3000, 5);
    PrebuiltFrame frame = PrebuiltFrame.deflated(PrebuiltFrame.TEXT, body, 6, 0x0badf00d);
    assertThat(frame.payloadLength()).isEqualTo(3000);
    EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, 1 << 20));
    server.writeInbound(frame.wire());
    TextWebSocketFrame got = server.readInbound();
    assertThat(got.rsv()).isEqualTo(0x4);
    assertThat(got.content().readableBytes()).isLessThan(3000);
    EmbeddedChannel client =
        new EmbeddedChannel(new MessageInflater(1 << 20, new LongAdder(), new LongAdder()));
    client.writeInbound(got);
    TextWebSocketFrame inflated = client.readInbound();
    assertThat(ByteBufUtil.getBytes(inflated.content())).isEqualTo(body);
    inflated.release();
    server.finishAndReleaseAll();
    client.finishAndReleaseAll();
  }

  @Test
  void theInflaterReadsAServerThatKeepsItsContextAndCountsWhatCameCompressed() {
    // Three messages from one deflate stream (context kept): the later ones refer to the first.
    Deflater deflater = new Deflater(6, true);
    LongAdder messages = new LongAdder();
    LongAdder compressed = new LongAdder();
    EmbeddedChannel client =
        new EmbeddedChannel(new MessageInflater(1 << 20, messages, compressed));
    byte[] body = EchoBody.of(1024, 9);
    for (int i = 0; i < 3; i++) {
      byte[] data = syncFlushed(deflater, body);
      client.writeInbound(new TextWebSocketFrame(true, 0x4, Unpooled.wrappedBuffer(data)));
      TextWebSocketFrame got = client.readInbound();
      assertThat(ByteBufUtil.getBytes(got.content())).isEqualTo(body);
      got.release();
    }
    client.writeInbound(new TextWebSocketFrame("plain"));
    TextWebSocketFrame plain = client.readInbound();
    assertThat(plain.text()).isEqualTo("plain");
    plain.release();
    assertThat(messages.sum()).isEqualTo(4);
    assertThat(compressed.sum()).isEqualTo(3);
    deflater.end();
    client.finishAndReleaseAll();
  }

  /** What a server sends for {@code body}: a sync-flushed chunk without {@code 00 00 ff ff}. */
  private static byte[] syncFlushed(Deflater deflater, byte[] body) {
    deflater.setInput(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    int n;
    do {
      n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
      out.write(chunk, 0, n);
    } while (n == chunk.length);
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }
}
