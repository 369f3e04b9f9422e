package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PayloadAndFrameTest {

  @Test
  void aPayloadCarriesItsSequenceAndSendTime() {
    byte[] body = Payload.encode(42, -123_456_789L, 64);
    assertThat(body).hasSize(64);
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    assertThat(Payload.isPayload(buf)).isTrue();
    assertThat(Payload.sequence(buf)).isEqualTo(42);
    assertThat(Payload.sentNanos(buf)).isEqualTo(-123_456_789L);
  }

  @Test
  void aGreetingIsNotAPayload() {
    ByteBuf greeting = Unpooled.copiedBuffer("Hey. 17", StandardCharsets.US_ASCII);
    assertThat(Payload.isPayload(greeting)).isFalse();
    ByteBuf json =
        Unpooled.copiedBuffer(
            "{\"error\":{\"code\":\"forbidden\",\"message\":\"no\"}}", StandardCharsets.US_ASCII);
    assertThat(Payload.isPayload(json)).isFalse();
  }

  @Test
  void prebuiltFramesDecodeAsMaskedClientFramesOfEveryLengthForm() {
    for (int size : new int[] {1, 125, 126, 65_535, 65_536}) {
      byte[] body = new byte[size];
      Arrays.fill(body, (byte) 'z');
      PrebuiltFrame frame = PrebuiltFrame.of(PrebuiltFrame.TEXT, body, 0x12345678);
      EmbeddedChannel server =
          new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 1 << 20));
      server.writeInbound(frame.wire());
      server.writeInbound(frame.wire()); // written twice: the prebuilt bytes are not consumed
      for (int i = 0; i < 2; i++) {
        TextWebSocketFrame got = server.readInbound();
        assertThat(got.content().readableBytes()).isEqualTo(size);
        assertThat(got.content().getByte(size - 1)).isEqualTo((byte) 'z');
        got.release();
      }
      assertThat(frame.payloadLength()).isEqualTo(size);
      server.finishAndReleaseAll();
    }
  }

  @Test
  void binaryFramesKeepTheirOpcode() {
    PrebuiltFrame frame = PrebuiltFrame.of(PrebuiltFrame.BINARY, new byte[] {1, 2, 3}, 7);
    EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 1024));
    server.writeInbound(frame.wire());
    BinaryWebSocketFrame got = server.readInbound();
    assertThat(got.content().getByte(2)).isEqualTo((byte) 3);
    got.release();
    server.finishAndReleaseAll();
  }
}
