package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.HubConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command of the client against a real node (core's server with the hub on it): subscribe,
 * publish, history, presence, ping, unsubscribe, direct messages, starting from a saved position,
 * and errors surfacing with the protocol's codes.
 */
@Timeout(60)
class RoundTripsOnARealNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private HubNode node;
  private PushwireClient client;
  private final Recorder rec = new Recorder();

  @BeforeEach
  void start() throws Exception {
    node = HubNode.start(HubConfig.newBuilder().nodeId("rt").build());
    node.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canPublish(ConnectionInfo connection, String channel) {
            return channel.startsWith("open:");
          }
        });
    client = rec.attach(PushwireClient.create(node.uri(), ClientConfig.DEFAULT));
    join(client.connect());
  }

  @AfterEach
  void stop() {
    client.close();
    node.close();
  }

  private static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The code of the {@link PushwireException} that {@code stage} failed with. */
  private static String failureCode(CompletionStage<?> stage) {
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class);
    assertThat(failure.getCause()).isInstanceOf(PushwireException.class);
    return ((PushwireException) failure.getCause()).code();
  }

  @Test
  void aSubscriptionReceivesWhatIsPublishedOnTheNode() throws Exception {
    Subscription sub = client.subscribe("news", rec);
    SubscribedEvent live = join(sub.ready());
    node.publish("news", "hello");
    node.hub.publish("news", "{\"n\":2}");

    await().atMost(WAIT).until(() -> rec.publications.size() == 2);
    assertThat(rec.texts()).containsExactly("hello", "{\"n\":2}");
    assertThat(rec.publications.get(1).data().get("n").asInt()).isEqualTo(2);
    assertThat(live.recovered()).isFalse();
    assertThat(live.resubscribed()).isFalse();
    assertThat(sub.position()).isEqualTo(new Position(2, live.position().epoch()));
    assertThat(rec.offsets()).containsExactly(1L, 2L);
  }

  @Test
  void publishReturnsThePositionAndReachesSubscribers() throws Exception {
    join(client.subscribe("open:chat", rec).ready());

    Position p1 = join(client.publishText("open:chat", "hi"));
    Position p2 = join(client.publishJson("open:chat", "{\"a\":[1,2.5]}"));
    Position p3 = join(client.publish("open:chat", JsonNodeFactory.instance.nullNode()));

    assertThat(List.of(p1.offset(), p2.offset(), p3.offset())).containsExactly(1L, 2L, 3L);
    await().atMost(WAIT).until(() -> rec.publications.size() == 3);
    assertThat(rec.texts()).containsExactly("hi", "{\"a\":[1,2.5]}", "null");
  }

  @Test
  void publishedJsonArrivesExactlyAsPublished() throws Exception {
    join(client.subscribe("exact", rec).ready());

    node.hub.publish("exact", "{\"price\":2.50,\"big\":12345678901234567890123,\"e\":1E+3}");

    await().atMost(WAIT).until(() -> rec.publications.size() == 1);
    assertThat(rec.texts())
        .containsExactly("{\"price\":2.50,\"big\":12345678901234567890123,\"e\":1E+3}");
  }

  @Test
  void historyReturnsTheLatestOrThoseAfterAPosition() throws Exception {
    for (int i = 1; i <= 5; i++) {
      node.publish("hist", "m" + i);
    }

    HistoryResult latest = join(client.history("hist", HistoryOptions.latest(2)));
    HistoryResult after =
        join(
            client.history(
                "hist", HistoryOptions.after(new Position(3, latest.position().epoch()), -1)));
    HistoryResult top = join(client.history("hist", HistoryOptions.latest(0)));

    assertThat(latest.publications()).extracting(Publication::text).containsExactly("m4", "m5");
    assertThat(latest.publications().get(0).publishedAt()).isNotNull();
    assertThat(latest.recoverable()).isNull();
    assertThat(after.publications()).extracting(Publication::offset).containsExactly(4L, 5L);
    assertThat(after.recoverable()).isTrue();
    assertThat(top.publications()).isEmpty();
    assertThat(top.position().offset()).isEqualTo(5);
  }

  @Test
  void presenceListsTheSubscribedConnection() throws Exception {
    join(client.subscribe("room", rec).ready());

    Presence presence = join(client.presence("room"));

    assertThat(presence.connections()).isEqualTo(1);
    assertThat(presence.clients())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.node()).isEqualTo("rt");
              assertThat(c.connection()).startsWith("rt:");
              assertThat(c.subscribedAt()).isNotNull();
            });
  }

  @Test
  void pingReturnsTheRoundTrip() throws Exception {
    assertThat(join(client.ping())).isPositive().isLessThan(WAIT);
  }

  @Test
  void afterUnsubscribeNothingMoreArrivesAndPresenceIsEmpty() throws Exception {
    Subscription sub = client.subscribe("news", rec);
    join(sub.ready());
    node.publish("news", "before");
    await().atMost(WAIT).until(() -> rec.publications.size() == 1);

    join(sub.unsubscribe());
    node.publish("news", "after");
    join(client.ping()); // a push sent before the ping's reply would have arrived by now

    assertThat(rec.texts()).containsExactly("before");
    assertThat(sub.isActive()).isFalse();
    assertThat(client.subscription("news")).isNull();
    assertThat(join(client.presence("news")).connections()).isZero();
  }

  @Test
  void aSubscriptionFromASavedPositionGetsWhatCameAfterIt() throws Exception {
    for (int i = 1; i <= 5; i++) {
      node.publish("saved", "m" + i);
    }
    String epoch = join(client.history("saved", HistoryOptions.latest(0))).position().epoch();

    SubscribedEvent answer = join(client.subscribe("saved", new Position(2, epoch), rec).ready());

    assertThat(answer.recovered()).isTrue();
    await().atMost(WAIT).until(() -> rec.publications.size() == 3);
    assertThat(rec.texts()).containsExactly("m3", "m4", "m5");
    assertThat(rec.events(LostEvent.class)).isEmpty();
  }

  @Test
  void directMessagesReachTheMessageListener() throws Exception {
    join(client.subscribe("dm", rec).ready());
    long id = node.hub.subscribers("dm").iterator().next();

    node.server.push(id, "{\"data\":{\"just\":\"you\"}}");

    await().atMost(WAIT).until(() -> !rec.events(DirectMessage.class).isEmpty());
    assertThat(rec.events(DirectMessage.class).get(0).data().get("just").asText()).isEqualTo("you");
  }

  @Test
  void aRefusedSubscriptionFailsWithItsCodeAndEnds() {
    Subscription sub = client.subscribe("bad channel", rec);

    assertThat(failureCode(sub.ready())).isEqualTo("bad_channel");
    assertThat(sub.isActive()).isFalse();
    assertThat(client.subscription("bad channel")).isNull();
    await().atMost(WAIT).until(() -> !rec.events(ErrorEvent.class).isEmpty());
    assertThat(rec.events(ErrorEvent.class).get(0).channel()).isEqualTo("bad channel");
  }

  @Test
  void aForbiddenPublishFailsWithForbidden() {
    assertThat(failureCode(client.publishText("closed", "x"))).isEqualTo("forbidden");
  }

  @Test
  void historyOfABadChannelFailsWithBadChannel() {
    assertThat(failureCode(client.history("a b", HistoryOptions.ALL))).isEqualTo("bad_channel");
  }

  @Test
  void subscribingTwiceToOneChannelIsRefusedAtOnce() {
    client.subscribe("twice", rec);
    assertThatThrownBy(() -> client.subscribe("twice", rec))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void publishJsonRefusesTextThatIsNotJson() {
    assertThatThrownBy(() -> client.publishJson("open:x", "{nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("json: bad value");
  }

  @Test
  void commandsAfterCloseFailWithDisconnected() {
    client.close();
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(failureCode(client.ping())).isEqualTo("disconnected");
    assertThat(failureCode(client.subscribe("late", rec).ready())).isEqualTo("disconnected");
  }
}
