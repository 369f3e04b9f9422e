package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gap the broker cannot fill is never hidden (issue 12, item 4): each {@code pushwire.v1}
 * subscription gets an {@code unsubscribed} notice asking it to resubscribe, and no further push;
 * resubscribing with its position recovers from history; plain subscribers carry on.
 */
class StreamGapTest {
  private final ControlledBroker broker = new ControlledBroker(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder().nodeId("n1").historySize(100).build(),
          broker,
          new MemoryRegistry());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void liveV1SubscribersAreToldToResubscribeAndPlainOnesCarryOn() {
    long v1 = f.openV1();
    long plain = f.openPlain("news");
    SubscribeResult r = join(f.hub.subscribe(v1, "news"));
    join(f.hub.publishText("news", "m1"));

    broker.gap("news", new StreamPosition(1, r.epoch()));
    join(f.hub.publishText("news", "m2"));

    List<JsonNode> got = f.json(v1);
    assertThat(got).hasSize(2);
    assertThat(got.get(0).get("offset").asLong()).isEqualTo(1);
    JsonNode notice = got.get(1);
    assertThat(notice.get("channel").asText()).isEqualTo("news");
    assertThat(notice.get("unsubscribed").get("code").asText()).isEqualTo("insufficient_state");
    assertThat(notice.get("unsubscribed").get("resubscribe").asBoolean()).isTrue();
    assertThat(f.hub.subscriptions(v1)).as("the subscription ended").isEmpty();
    assertThat(f.delivery.messages(plain)).containsExactly("m1", "m2");
    assertThat(f.hub.deliverySignals()).isEqualTo(Map.of("stream_gap", 1L, "resubscribe", 1L));

    // The client resubscribes from the last offset it handled and gets what it missed.
    f.send(
        v1,
        "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":1,\"epoch\":\""
            + r.epoch()
            + "\"}}");
    List<JsonNode> after = f.json(v1).subList(2, f.json(v1).size());
    assertThat(after.get(0).get("result").get("recovered").asBoolean()).isTrue();
    assertThat(after.get(1).get("offset").asLong()).isEqualTo(2);
    assertThat(after).hasSize(2);
  }

  @Test
  void aSubscriptionPendingDuringTheGapGetsItsHistoryThenTheNotice() {
    PublishResult top = join(f.hub.publishText("news", "m1"));
    long v1 = f.openV1();
    broker.holdHistory();
    f.send(
        v1,
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":0,\"epoch\":\""
            + top.epoch()
            + "\"}}");
    broker.gap("news", top.position());
    broker.releaseHistory();
    join(f.hub.publishText("news", "m2"));

    List<JsonNode> got = f.json(v1);
    assertThat(got).hasSize(3);
    assertThat(got.get(0).get("id").asInt()).isEqualTo(1);
    assertThat(got.get(1).get("offset").asLong()).isEqualTo(1);
    assertThat(got.get(2).has("unsubscribed")).isTrue();
    assertThat(f.hub.subscriptions(v1)).isEmpty();
  }

  @Test
  void aClientThatUnsubscribedMeanwhileGetsNoNotice() {
    long v1 = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(v1, "news"));
    CompletionStage<Void> gone = f.hub.unsubscribe(v1, "news");
    join(gone);
    broker.gap("news", r.position());
    assertThat(f.delivery.messages(v1)).isEmpty();
  }

  @Test
  void v1ConnectionsAskToBeClosedWith4008WhenTheyCannotKeepUp() {
    long v1 = f.openV1();
    long plain = f.openPlain("news");
    assertThat(f.delivery.slowCloseOf(v1))
        .isEqualTo(new RecordingDelivery.Close(Hub.CLOSE_SLOW_CONSUMER, "slow consumer"));
    assertThat(f.delivery.slowCloseOf(plain)).as("plain clients follow the policy").isNull();
  }
}
