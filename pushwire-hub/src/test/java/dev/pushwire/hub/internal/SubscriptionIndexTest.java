package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.SubscribeResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Subscribing and unsubscribing through the Java API, and the node's interest in the broker. */
class SubscriptionIndexTest {
  private final ControlledBroker broker = new ControlledBroker(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder().nodeId("n1").maxSubscriptionsPerConnection(3).build(),
          broker,
          new MemoryRegistry());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void subscribeReportsTheChannelsTopPosition() {
    long id = f.openV1();
    join(f.hub.publishText("news", "a"));
    join(f.hub.publishText("news", "b"));
    SubscribeResult r = join(f.hub.subscribe(id, "news"));
    assertThat(r.channel()).isEqualTo("news");
    assertThat(r.offset()).isEqualTo(2);
    assertThat(r.recovered()).isFalse();
    assertThat(r.recoveredPublications()).isZero();
    assertThat(f.delivery.messages(id)).as("nothing old is replayed without since").isEmpty();
  }

  @Test
  void unsubscribeStopsDeliveryAndIsIdempotent() {
    long id = f.openV1();
    join(f.hub.subscribe(id, "news"));
    join(f.hub.publishText("news", "a"));
    join(f.hub.unsubscribe(id, "news"));
    join(f.hub.unsubscribe(id, "news"));
    join(f.hub.publishText("news", "b"));
    assertThat(f.delivery.messages(id)).hasSize(1);
    assertThat(f.hub.subscriptions(id)).isEmpty();
  }

  @Test
  void channelsAndSubscribersReflectLocalSubscriptions() {
    long a = f.openPlain("news", "chat");
    long b = f.openV1();
    join(f.hub.subscribe(b, "news"));
    assertThat(f.hub.channels()).isEqualTo(Map.of("news", 2, "chat", 1));
    assertThat(f.hub.subscribers("news")).containsExactlyInAnyOrder(a, b);
    assertThat(f.hub.subscriptions(a)).containsExactlyInAnyOrder("news", "chat");
    f.close(a);
    assertThat(f.hub.channels()).isEqualTo(Map.of("news", 1));
    assertThat(f.hub.subscribers("chat")).isEmpty();
  }

  @Test
  void theNodeIsSubscribedInTheBrokerOnlyWhileItHasSubscribers() {
    long a = f.openV1();
    long b = f.openV1();
    join(f.hub.subscribe(a, "news"));
    join(f.hub.subscribe(b, "news"));
    join(f.hub.unsubscribe(a, "news"));
    assertThat(broker.interestCalls).containsExactly("subscribe news");
    join(f.hub.unsubscribe(b, "news"));
    assertThat(broker.interestCalls).containsExactly("subscribe news", "unsubscribe news");
    join(f.hub.subscribe(a, "news"));
    f.close(a);
    assertThat(broker.interestCalls)
        .containsExactly(
            "subscribe news", "unsubscribe news", "subscribe news", "unsubscribe news");
    assertThat(f.hub.channels()).isEmpty();
  }

  @Test
  void subscribingTwiceToTheSameChannelFails() {
    long id = f.openV1();
    join(f.hub.subscribe(id, "news"));
    assertFails(f.hub.subscribe(id, "news"), ErrorCode.ALREADY_SUBSCRIBED);
  }

  @Test
  void subscriptionsPerConnectionAreLimited() {
    long id = f.openV1();
    join(f.hub.subscribe(id, "a"));
    join(f.hub.subscribe(id, "b"));
    join(f.hub.subscribe(id, "c"));
    assertFails(f.hub.subscribe(id, "d"), ErrorCode.TOO_MANY_SUBSCRIPTIONS);
    join(f.hub.unsubscribe(id, "a"));
    join(f.hub.subscribe(id, "d"));
  }

  @Test
  void subscribingAnUnknownConnectionOrBadChannelFails() {
    assertFails(f.hub.subscribe(99, "news"), ErrorCode.NO_CONNECTION);
    long id = f.openV1();
    assertFails(f.hub.subscribe(id, "bad channel"), ErrorCode.BAD_CHANNEL);
    f.close(id);
    assertFails(f.hub.subscribe(id, "news"), ErrorCode.NO_CONNECTION);
  }

  @Test
  void unsubscribingWhileHistoryIsReadEndsTheSubscriptionCleanly() {
    long id = f.openV1();
    broker.holdHistory();
    CompletionStage<SubscribeResult> pending = f.hub.subscribe(id, "news");
    assertThat(f.hub.subscribers("news")).containsExactly(id);
    join(f.hub.unsubscribe(id, "news"));
    broker.releaseHistory();
    assertFails(pending, ErrorCode.NOT_SUBSCRIBED);
    join(f.hub.publishText("news", "after"));
    assertThat(f.delivery.messages(id)).isEmpty();
    assertThat(f.hub.channels()).isEmpty();
  }

  @Test
  void closingWhileHistoryIsReadEndsTheSubscriptionCleanly() {
    long id = f.openV1();
    broker.holdHistory();
    CompletionStage<SubscribeResult> pending = f.hub.subscribe(id, "news");
    f.close(id);
    broker.releaseHistory();
    assertFails(pending, ErrorCode.NOT_SUBSCRIBED);
    assertThat(f.hub.channels()).isEmpty();
    assertThat(broker.interestCalls).containsExactly("subscribe news", "unsubscribe news");
  }

  @Test
  void aFailedHistoryReadFailsTheSubscriptionAndLeavesNothingBehind() {
    long id = f.openV1();
    broker.failHistory();
    assertFails(f.hub.subscribe(id, "news"), ErrorCode.UNAVAILABLE);
    assertThat(f.hub.subscriptions(id)).isEmpty();
    assertThat(f.hub.channels()).isEmpty();
    assertThat(join(f.hub.presence("news"))).isEmpty();
  }

  private static void assertFails(CompletionStage<?> stage, ErrorCode code) {
    CompletableFuture<?> future = stage.toCompletableFuture();
    assertThatThrownBy(future::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HubException.class)
        .extracting(e -> ((HubException) e).code())
        .isEqualTo(code);
  }
}
