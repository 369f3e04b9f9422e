package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A {@code --socketio} subscriber answers Engine.IO's packets and reads payloads from events. */
class SocketIoSubscriberTest {
  private final FanoutStats stats = new FanoutStats();
  private final SubscriberSession session = new SubscriberSession(stats, true);
  private final EmbeddedChannel channel = new EmbeddedChannel(session);

  private String answer() {
    TextWebSocketFrame f = channel.readOutbound();
    if (f == null) {
      return null;
    }
    try {
      return f.text();
    } finally {
      f.release();
    }
  }

  @Test
  void connectsToTheNamespaceOnOpenAndAnswersPings() {
    channel.writeInbound(new TextWebSocketFrame("0{\"sid\":\"a\",\"pingInterval\":25000}"));
    assertThat(answer()).isEqualTo("40");
    channel.writeInbound(new TextWebSocketFrame("40{\"sid\":\"b\"}"));
    assertThat(answer()).isNull();
    channel.writeInbound(new TextWebSocketFrame("2"));
    assertThat(answer()).isEqualTo("3");
    assertThat(stats.other.sum()).isZero();
  }

  @Test
  void readsThePayloadOfAnEvent() {
    String payload =
        new String(Payload.encode(42, System.nanoTime(), 64), StandardCharsets.US_ASCII);
    channel.writeInbound(new TextWebSocketFrame("42[\"m\",\"" + payload + "\"]"));
    channel.writeInbound(new TextWebSocketFrame("42[\"m\",\"" + payload + "\"]"));
    assertThat(stats.deliveries.sum()).isEqualTo(1);
    assertThat(stats.duplicates.sum()).isEqualTo(1);
    assertThat(session.tracker.unique()).isEqualTo(1);
  }

  @Test
  void countsOtherEventsAsOther() {
    channel.writeInbound(new TextWebSocketFrame("42[\"m\",{\"x\":1}]"));
    channel.writeInbound(new TextWebSocketFrame("6"));
    assertThat(stats.other.sum()).isEqualTo(2);
    assertThat(stats.deliveries.sum()).isZero();
  }
}
