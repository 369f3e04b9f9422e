package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ReconnectPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the client acts on each delivery signal of docs/PROTOCOL.md, against a {@link ScriptedNode}
 * that sends exactly those frames: close 4008, {@code unsubscribed}, {@code recovered: false} with
 * and without {@code lost}, a push that skips offsets or changes epoch, duplicates; and what
 * happens to commands around a lost connection.
 */
@Timeout(60)
class DeliverySignalsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String EPOCH = "e1";

  private ScriptedNode node;
  private PushwireClient client;
  private final Recorder rec = new Recorder();

  @BeforeEach
  void start() {
    node = new ScriptedNode();
    client =
        rec.attach(
            PushwireClient.create(
                node.uri(),
                ClientConfig.newBuilder()
                    .reconnect(
                        ReconnectPolicy.newBuilder()
                            .initialDelay(Duration.ofMillis(20))
                            .maxDelay(Duration.ofMillis(200))
                            .build())
                    .commandTimeout(Duration.ofSeconds(5))
                    .pingInterval(Duration.ZERO)
                    .build()));
  }

  @AfterEach
  void stop() {
    client.close();
    node.close();
  }

  /** Connects, subscribes to "news", and answers: live from {@code offset}. */
  private long subscribedAt(long offset) throws InterruptedException {
    client.subscribe("news", rec);
    client.connect();
    long conn = node.nextConnection();
    ScriptedNode.Command sub = node.expect("subscribe");
    assertThat(sub.since()).isNull();
    node.subscribed(sub, false, offset, EPOCH);
    return conn;
  }

  private void awaitOffsets(List<Long> expected) {
    await().atMost(WAIT).until(() -> rec.offsets().size() >= expected.size());
    assertThat(rec.offsets()).containsExactlyElementsOf(expected);
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void close4008ReconnectsAndResubscribesFromTheLastHandledPosition() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 3);
    awaitOffsets(range(1, 3));

    node.disconnect(conn, 4008, "slow consumer");
    long again = node.nextConnection();
    ScriptedNode.Command resub = node.expect("subscribe");
    assertThat(resub.since()).isEqualTo(new Position(3, EPOCH));
    node.subscribed(resub, true, 5, EPOCH);
    node.push(again, "news", EPOCH, 4, 6);

    awaitOffsets(range(1, 6));
    assertThat(rec.events(DisconnectedEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.code()).isEqualTo(4008);
              assertThat(e.reason()).isEqualTo("slow consumer");
              assertThat(e.reconnect()).isTrue();
            });
    assertThat(rec.events(SubscribedEvent.class))
        .extracting(SubscribedEvent::resubscribed, SubscribedEvent::recovered)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(false, false),
            org.assertj.core.groups.Tuple.tuple(true, true));
    assertThat(rec.events(LostEvent.class)).isEmpty();
  }

  @Test
  void unsubscribedWithResubscribeSubscribesAgainFromTheLastHandledPosition() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 3);
    awaitOffsets(range(1, 3));

    node.send(
        conn,
        "{\"channel\":\"news\",\"unsubscribed\":{\"code\":\"insufficient_state\","
            + "\"resubscribe\":true,\"message\":\"missed publications\"}}");
    ScriptedNode.Command resub = node.expect("subscribe");
    assertThat(resub.connection()).as("on the same connection").isEqualTo(conn);
    assertThat(resub.since()).isEqualTo(new Position(3, EPOCH));
    node.subscribed(resub, true, 4, EPOCH);
    node.push(conn, "news", EPOCH, 4, 5);

    awaitOffsets(range(1, 5));
    assertThat(rec.events(ResubscribingEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.cause()).isEqualTo(ResubscribingEvent.Cause.UNSUBSCRIBED);
              assertThat(e.code()).isEqualTo("insufficient_state");
              assertThat(e.since()).isEqualTo(new Position(3, EPOCH));
            });
    assertThat(rec.events(DisconnectedEvent.class)).isEmpty();
  }

  @Test
  void unsubscribedBeforeAnyPushResubscribesFromTheSubscribeReplysPosition() throws Exception {
    long conn = subscribedAt(7);
    await().atMost(WAIT).until(() -> !rec.events(SubscribedEvent.class).isEmpty());

    node.send(
        conn,
        "{\"channel\":\"news\",\"unsubscribed\":{\"code\":\"insufficient_state\","
            + "\"resubscribe\":true,\"message\":\"\"}}");

    assertThat(node.expect("subscribe").since()).isEqualTo(new Position(7, EPOCH));
  }

  @Test
  void unsubscribedWithoutResubscribeEndsTheSubscription() throws Exception {
    long conn = subscribedAt(0);
    Subscription sub = client.subscription("news");
    await().atMost(WAIT).until(() -> !rec.events(SubscribedEvent.class).isEmpty());

    node.send(
        conn,
        "{\"channel\":\"news\",\"unsubscribed\":{\"code\":\"forbidden\","
            + "\"resubscribe\":false,\"message\":\"access revoked\"}}");

    await().atMost(WAIT).until(() -> !rec.events(ErrorEvent.class).isEmpty());
    assertThat(sub.isActive()).isFalse();
    assertThat(client.subscription("news")).isNull();
    assertThat(rec.events(ErrorEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.channel()).isEqualTo("news");
              assertThat(((PushwireException) e.error()).code()).isEqualTo("forbidden");
            });
    assertThat(node.poll(Duration.ofMillis(300))).as("no resubscribe").isNull();
  }

  @Test
  void lostOffsetsInASubscribeReplyAreReportedAndWhatHistoryHoldsIsDelivered() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 3);
    awaitOffsets(range(1, 3));

    node.disconnect(conn, 1001, "going away");
    long again = node.nextConnection();
    ScriptedNode.Command resub = node.expect("subscribe");
    assertThat(resub.since()).isEqualTo(new Position(3, EPOCH));
    node.reply(
        resub,
        "{\"channel\":\"news\",\"recovered\":false,\"offset\":12,\"epoch\":\"e1\","
            + "\"lost\":{\"from\":4,\"to\":10}}");
    node.push(again, "news", EPOCH, 11, 13);

    awaitOffsets(List.of(1L, 2L, 3L, 11L, 12L, 13L));
    assertThat(rec.events(LostEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(4);
              assertThat(e.to()).isEqualTo(10);
              assertThat(e.count()).isEqualTo(7);
              assertThat(e.since()).isEqualTo(new Position(3, EPOCH));
              assertThat(e.epochChanged()).isFalse();
            });
    assertThat(rec.events(ResubscribingEvent.class)).as("11 follows 10: no gap").isEmpty();
    assertThat(client.subscription("news").position()).isEqualTo(new Position(13, EPOCH));
  }

  @Test
  void notRecoveredWithoutLostAndTheSameEpochReportsEverythingUpToTheReplysOffset()
      throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 2);
    awaitOffsets(range(1, 2));

    node.disconnect(conn, 1001, "going away");
    long again = node.nextConnection();
    node.subscribed(node.expect("subscribe"), false, 9, EPOCH);
    node.push(again, "news", EPOCH, 10, 10);

    awaitOffsets(List.of(1L, 2L, 10L));
    assertThat(rec.events(LostEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(3);
              assertThat(e.to()).isEqualTo(9);
              assertThat(e.position()).isEqualTo(new Position(9, EPOCH));
            });
  }

  @Test
  void anotherEpochIsDeliveredFromItsStartAndTheOldEpochsTailReportedUnknown() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 2);
    awaitOffsets(range(1, 2));

    node.disconnect(conn, 1001, "going away");
    long again = node.nextConnection();
    node.subscribed(node.expect("subscribe"), false, 2, "e2");
    node.push(again, "news", "e2", 1, 3); // 1..2 from history, then 3 live

    await().atMost(WAIT).until(() -> rec.publications.size() >= 5);
    assertThat(rec.publications)
        .extracting(Publication::position)
        .containsExactly(
            new Position(1, EPOCH),
            new Position(2, EPOCH),
            new Position(1, "e2"),
            new Position(2, "e2"),
            new Position(3, "e2"));
    assertThat(rec.events(LostEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.hasRange()).isFalse();
              assertThat(e.epochChanged()).isTrue();
              assertThat(e.position()).isEqualTo(new Position(0, "e2"));
            });
    assertThat(rec.events(ResubscribingEvent.class)).isEmpty();
  }

  @Test
  void anotherEpochWithLostNamesTheNewEpochsLostOffsetsAndDeliversTheRest() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 2);
    awaitOffsets(range(1, 2));

    node.disconnect(conn, 1001, "going away");
    long again = node.nextConnection();
    node.reply(
        node.expect("subscribe"),
        "{\"channel\":\"news\",\"recovered\":false,\"offset\":6,\"epoch\":\"e2\","
            + "\"lost\":{\"from\":1,\"to\":3}}");
    node.push(again, "news", "e2", 4, 7);

    awaitOffsets(List.of(1L, 2L, 4L, 5L, 6L, 7L));
    assertThat(rec.events(LostEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.epochChanged()).isTrue();
              assertThat(e.from()).isEqualTo(1);
              assertThat(e.to()).isEqualTo(3);
              assertThat(e.position()).isEqualTo(new Position(3, "e2"));
            });
    assertThat(rec.events(ResubscribingEvent.class)).isEmpty();
  }

  @Test
  void aNodeThatSendsOnlyLiveOnesInTheNewEpochIsFilledByAResubscribe() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 1);
    awaitOffsets(range(1, 1));

    node.disconnect(conn, 1001, "going away");
    long again = node.nextConnection();
    node.subscribed(node.expect("subscribe"), false, 5, "e2");
    node.push(again, "news", "e2", 6, 6); // only live: offsets 1..5 of e2 were not sent

    node.reply(node.expect("unsubscribe"), "{}");
    ScriptedNode.Command resub = node.expect("subscribe");
    assertThat(resub.since()).isEqualTo(new Position(0, "e2"));
    node.subscribed(resub, true, 6, "e2");
    node.push(again, "news", "e2", 1, 6);

    await().atMost(WAIT).until(() -> rec.publications.size() >= 7);
    assertThat(rec.offsets()).containsExactly(1L, 1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void aPushThatSkipsOffsetsUnsubscribesAndSubscribesAgainWithSince() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 2);
    node.push(conn, "news", EPOCH, 5, 5);

    ScriptedNode.Command unsub = node.expect("unsubscribe");
    assertThat(unsub.channel()).isEqualTo("news");
    node.reply(unsub, "{}");
    ScriptedNode.Command resub = node.expect("subscribe");
    assertThat(resub.since()).isEqualTo(new Position(2, EPOCH));
    node.subscribed(resub, true, 5, EPOCH);
    node.push(conn, "news", EPOCH, 3, 6);

    awaitOffsets(range(1, 6));
    assertThat(rec.events(ResubscribingEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.cause()).isEqualTo(ResubscribingEvent.Cause.GAP);
              assertThat(e.message()).contains("expected offset 3", "got offset 5");
            });
  }

  @Test
  void aPushWithAnotherEpochIsAGap() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 1);
    node.push(conn, "news", "e2", 1, 1);

    node.reply(node.expect("unsubscribe"), "{}");
    assertThat(node.expect("subscribe").since()).isEqualTo(new Position(1, EPOCH));
    assertThat(rec.offsets()).containsExactly(1L);
  }

  @Test
  void duplicatePushesAreIgnored() throws Exception {
    long conn = subscribedAt(0);
    node.push(conn, "news", EPOCH, 1, 2);
    node.push(conn, "news", EPOCH, 2, 2);
    node.push(conn, "news", EPOCH, 1, 3);

    awaitOffsets(range(1, 3));
    node.push(conn, "news", EPOCH, 4, 4);
    awaitOffsets(range(1, 4));
    assertThat(rec.events(ResubscribingEvent.class)).isEmpty();
  }

  @Test
  void aCommandInFlightFailsWithDisconnectedWhenTheConnectionDrops() throws Exception {
    client.connect();
    long conn = node.nextConnection();
    CompletableFuture<Presence> presence = client.presence("news").toCompletableFuture();
    node.expect("presence");

    node.disconnect(conn, 1011, "oops");

    assertThatThrownBy(() -> presence.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(PushwireException.class)
        .satisfies(e -> assertThat(((PushwireException) e).code()).isEqualTo("disconnected"));
  }

  @Test
  void aCommandMadeWhileDisconnectedWaitsForTheConnection() throws Exception {
    CompletableFuture<Duration> ping = client.ping().toCompletableFuture();
    CompletableFuture<Presence> presence = client.presence("news").toCompletableFuture();
    assertThat(presence).isNotDone();

    client.connect();
    ScriptedNode.Command c = node.expect("presence");
    node.reply(c, "{\"channel\":\"news\",\"connections\":0,\"users\":0,\"clients\":[]}");

    assertThat(presence.get(10, TimeUnit.SECONDS).connections()).isZero();
    assertThat(ping.get(10, TimeUnit.SECONDS)).isPositive();
  }

  @Test
  void aCommandMadeWhileDisconnectedFailsWithTimeoutWhenNoConnectionComes() {
    PushwireClient waiting =
        PushwireClient.create(
            node.uri(), ClientConfig.newBuilder().commandTimeout(Duration.ofMillis(200)).build());
    try {
      CompletableFuture<Duration> ping = waiting.ping().toCompletableFuture();
      assertThatThrownBy(() -> ping.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(PushwireException.class)
          .satisfies(e -> assertThat(((PushwireException) e).code()).isEqualTo("timeout"));
    } finally {
      waiting.close();
    }
  }
}
