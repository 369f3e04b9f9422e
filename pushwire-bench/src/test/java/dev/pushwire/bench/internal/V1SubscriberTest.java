package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A {@code --v1} subscriber subscribes when open, reads payloads from pushes, and tells offsets the
 * server skipped silently from loss it signalled.
 */
class V1SubscriberTest {
  private final FanoutStats stats = new FanoutStats();
  private final SubscriberSession session =
      new SubscriberSession(stats, false, new V1Reader(stats, "bench"));
  private final EmbeddedChannel channel = new EmbeddedChannel(session);

  private String sent() {
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

  private void receive(String text) {
    channel.writeInbound(new TextWebSocketFrame(text));
  }

  private static String push(long offset, String epoch, long seq) {
    String payload =
        new String(Payload.encode(seq, System.nanoTime(), 40), StandardCharsets.US_ASCII);
    return "{\"channel\":\"bench\",\"offset\":"
        + offset
        + ",\"epoch\":\""
        + epoch
        + "\",\"data\":\""
        + payload
        + "\"}";
  }

  private void subscribed(long offset) {
    channel.pipeline().fireUserEventTriggered(WebSocketOpened.INSTANCE);
    assertThat(sent()).isEqualTo("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"bench\"}");
    receive(
        "{\"id\":1,\"result\":{\"channel\":\"bench\",\"recovered\":false,\"offset\":"
            + offset
            + ",\"epoch\":\"e1\"}}");
  }

  @Test
  void countsItselfSubscribedOnTheReplyAndReadsPushes() {
    subscribed(7);
    assertThat(stats.subscribed.sum()).isEqualTo(1);
    receive(push(8, "e1", 0));
    receive(push(9, "e1", 1));
    assertThat(stats.deliveries.sum()).isEqualTo(2);
    assertThat(session.tracker.complete(2)).isTrue();
    assertThat(stats.offsetsSkipped.sum()).isZero();
    assertThat(stats.offsetErrors.total()).isZero();
    assertThat(stats.other.sum()).isZero();
  }

  @Test
  void countsSkippedRepeatedAndEpochChangingOffsets() {
    subscribed(0);
    receive(push(1, "e1", 0));
    receive(push(4, "e1", 1));
    assertThat(stats.offsetsSkipped.sum()).isEqualTo(2);
    receive(push(4, "e1", 2));
    receive(push(5, "e2", 3));
    assertThat(stats.offsetErrors.snapshot())
        .containsEntry("offset repeated or out of order", 1L)
        .containsEntry("epoch changed without a notice", 1L);
    assertThat(stats.deliveries.sum()).isEqualTo(4);
  }

  @Test
  void aNoticeIsToldLossAndResubscribesFromTheLastOffset() {
    subscribed(3);
    receive(push(4, "e1", 0));
    receive(
        "{\"channel\":\"bench\",\"unsubscribed\":{\"code\":\"insufficient_state\","
            + "\"resubscribe\":true,\"message\":\"gap\"}}");
    assertThat(stats.told.snapshot()).containsEntry("unsubscribed: insufficient_state", 1L);
    assertThat(sent())
        .isEqualTo(
            "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"bench\","
                + "\"since\":{\"offset\":4,\"epoch\":\"e1\"}}");
    receive(
        "{\"id\":2,\"result\":{\"channel\":\"bench\",\"recovered\":false,\"offset\":30,"
            + "\"epoch\":\"e1\",\"lost\":{\"from\":5,\"to\":20}}}");
    assertThat(stats.toldOffsets.sum()).isEqualTo(16);
    receive(push(21, "e1", 17));
    assertThat(stats.offsetsSkipped.sum()).isZero();
    assertThat(stats.offsetErrors.total()).isZero();
    assertThat(stats.subscribed.sum()).isEqualTo(1);
  }

  @Test
  void aRefusedSubscribeIsASubscribeFailure() {
    channel.pipeline().fireUserEventTriggered(WebSocketOpened.INSTANCE);
    sent();
    receive("{\"id\":1,\"error\":{\"code\":\"forbidden\",\"message\":\"no\"}}");
    assertThat(stats.subscribeFailures.snapshot())
        .containsEntry("subscribe refused: forbidden", 1L);
    assertThat(stats.subscribed.sum()).isZero();
    receive(push(1, "e1", 0));
    assertThat(stats.offsetErrors.snapshot()).containsEntry("push outside a subscription", 1L);
  }
}
