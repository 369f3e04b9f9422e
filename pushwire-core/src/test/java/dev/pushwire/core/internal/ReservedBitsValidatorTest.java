package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

class ReservedBitsValidatorTest {

  @Test
  void passesFramesWithoutReservedBits() {
    EmbeddedChannel ch = new EmbeddedChannel(new ReservedBitsValidator());
    ch.writeInbound(new TextWebSocketFrame("ok"));
    TextWebSocketFrame f = ch.readInbound();
    assertThat(f.text()).isEqualTo("ok");
    f.release();
  }

  @Test
  void refusesAnyReservedBitWithCloseCode1002AndReleasesTheFrame() {
    for (int rsv : new int[] {1, 2, 4}) {
      EmbeddedChannel ch = new EmbeddedChannel(new ReservedBitsValidator());
      TextWebSocketFrame frame =
          new TextWebSocketFrame(true, rsv, Unpooled.copiedBuffer(new byte[] {'x'}));
      assertThatThrownBy(() -> ch.writeInbound(frame))
          .isInstanceOfSatisfying(
              ProtocolViolationException.class, e -> assertThat(e.code()).isEqualTo(1002));
      assertThat(frame.refCnt()).isZero();
    }
  }
}
