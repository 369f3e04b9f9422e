package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.OffsetRange;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A subscriber that names its last position gets exactly what it missed, then live ones. */
class RecoveryTest {
  private final ControlledBroker broker = new ControlledBroker(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder().nodeId("n1").historySize(5).build(), broker, new MemoryRegistry());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void missedPublicationsArriveInOrderThenLiveOnes() {
    String epoch = publish(3).epoch();
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(1, epoch)));
    join(f.hub.publishText("news", "m4"));

    assertThat(r.recovered()).isTrue();
    assertThat(r.offset()).isEqualTo(3);
    assertThat(r.recoveredPublications()).isEqualTo(2);
    assertThat(offsets(id)).containsExactly(2L, 3L, 4L);
    assertThat(f.json(id))
        .extracting(n -> n.get("data").asText())
        .containsExactly("m2", "m3", "m4");
  }

  @Test
  void nothingMissedIsARecoveryWithNothingToSend() {
    String epoch = publish(3).epoch();
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(3, epoch)));
    assertThat(r.recovered()).isTrue();
    assertThat(f.delivery.messages(id)).isEmpty();
  }

  @Test
  void positionOlderThanTheHistoryGetsWhatIsKeptAndNamesWhatIsLost() {
    String epoch = publish(8).epoch(); // history keeps 4..8
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(1, epoch)));
    join(f.hub.publishText("news", "m9"));
    assertThat(r.recovered()).isFalse();
    assertThat(r.lost()).isEqualTo(new OffsetRange(2, 3));
    assertThat(r.offset()).isEqualTo(8);
    assertThat(r.epoch()).isEqualTo(epoch);
    assertThat(r.recoveredPublications()).isEqualTo(5);
    assertThat(offsets(id)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void theV1ReplyNamesTheLostOffsets() {
    String epoch = publish(8).epoch(); // history keeps 4..8
    long id = f.openV1();
    f.send(
        id,
        "{\"id\":7,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":2,\"epoch\":\""
            + epoch
            + "\"}}");
    List<JsonNode> got = f.json(id);
    JsonNode result = got.get(0).get("result");
    assertThat(result.get("recovered").asBoolean()).isFalse();
    assertThat(result.get("lost").get("from").asLong()).isEqualTo(3);
    assertThat(result.get("lost").get("to").asLong()).isEqualTo(3);
    assertThat(got.subList(1, got.size()))
        .extracting(n -> n.get("offset").asLong())
        .containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void aPositionAheadOfTheChannelIsNotRecoveredAndLosesNothingNamed() {
    String epoch = publish(3).epoch();
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(9, epoch)));
    assertThat(r.recovered()).isFalse();
    assertThat(r.lost()).isNull();
    assertThat(f.delivery.messages(id)).isEmpty();
  }

  @Test
  void positionInAnotherEpochIsNotRecoveredButGetsTheNewEpochFromItsStart() {
    PublishResult top = publish(3);
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(1, "gone")));
    assertThat(r.recovered()).isFalse();
    assertThat(r.lost()).as("the new epoch is whole").isNull();
    assertThat(r.position()).isEqualTo(top.position());
    assertThat(offsets(id)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void positionInAnotherEpochNamesWhatHistoryLostOfTheNewOne() {
    PublishResult top = publish(8); // history keeps 4..8
    long id = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(id, "news", new StreamPosition(1, "gone")));
    assertThat(r.recovered()).isFalse();
    assertThat(r.lost()).isEqualTo(new OffsetRange(1, 3));
    assertThat(r.position()).isEqualTo(top.position());
    assertThat(offsets(id)).containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void plainClientsRecoverRawPayloads() {
    long id = f.openPlain("other");
    String epoch = publish(3).epoch();
    join(f.hub.subscribe(id, "news", new StreamPosition(1, epoch)));
    assertThat(f.delivery.messages(id)).containsExactly("m2", "m3");
  }

  @Test
  void publicationsDuringTheHistoryReadAreNeitherLostNorRepeated() {
    String epoch = publish(2).epoch();
    long id = f.openV1();
    broker.holdHistory();
    CompletionStage<SubscribeResult> pending =
        f.hub.subscribe(id, "news", new StreamPosition(1, epoch));
    join(f.hub.publishText("news", "m3")); // buffered, and also in the history read below
    join(f.hub.publishText("news", "m4"));
    assertThat(f.delivery.messages(id)).as("nothing while pending").isEmpty();
    broker.releaseHistory();
    SubscribeResult r = join(pending);
    join(f.hub.publishText("news", "m5"));

    assertThat(r.recovered()).isTrue();
    assertThat(offsets(id)).containsExactly(2L, 3L, 4L, 5L);
  }

  @Test
  void aPlainSubscriberGetsWhatWasPublishedWhileItsSubscriptionWasPending() {
    join(f.hub.publishText("news", "before")); // before it joined: not for it
    broker.holdHistory();
    long plain = f.openPlain("news");
    join(f.hub.publishText("news", "while pending")); // in the buffer, and below the top it reads
    assertThat(f.delivery.messages(plain)).as("nothing while pending").isEmpty();
    broker.releaseHistory();
    join(f.hub.publishText("news", "live"));

    assertThat(f.delivery.messages(plain)).containsExactly("while pending", "live");
  }

  @Test
  void theV1ReplyComesBeforeTheMissedPublications() {
    String epoch = publish(3).epoch();
    long id = f.openV1();
    f.send(
        id,
        "{\"id\":7,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":1,\"epoch\":\""
            + epoch
            + "\"}}");
    List<JsonNode> got = f.json(id);
    assertThat(got).hasSize(3);
    assertThat(got.get(0).get("id").asInt()).isEqualTo(7);
    assertThat(got.get(0).get("result").get("recovered").asBoolean()).isTrue();
    assertThat(got.get(0).get("result").get("offset").asLong()).isEqualTo(3);
    assertThat(got.subList(1, 3)).extracting(n -> n.get("offset").asLong()).containsExactly(2L, 3L);
  }

  private PublishResult publish(int n) {
    PublishResult r = null;
    for (int i = 1; i <= n; i++) {
      r = join(f.hub.publishText("news", "m" + i));
    }
    return r;
  }

  private List<Long> offsets(long id) {
    return f.json(id).stream().map(n -> n.get("offset").asLong()).toList();
  }
}
