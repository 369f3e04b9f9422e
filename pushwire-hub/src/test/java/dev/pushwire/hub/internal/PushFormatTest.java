package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PublishResult;
import java.math.BigDecimal;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What plain and {@code pushwire.v1} subscribers receive for each kind of JSON payload. */
class PushFormatTest {
  private final HubFixture f = new HubFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void jsonStringReachesPlainClientsAsItsTextAndV1ClientsAsAString() {
    long plain = f.openPlain("news");
    long v1 = subscribedV1("news");
    PublishResult r = join(f.hub.publish("news", "\"hello \\\"world\\\"\\n\""));

    assertThat(f.delivery.messages(plain)).containsExactly("hello \"world\"\n");
    JsonNode push = f.last(v1);
    assertThat(push.get("channel").asText()).isEqualTo("news");
    assertThat(push.get("offset").asLong()).isEqualTo(r.offset());
    assertThat(push.get("epoch").asText()).isEqualTo(r.epoch());
    assertThat(push.get("data").asText()).isEqualTo("hello \"world\"\n");
    assertThat(push.has("id")).isFalse();
  }

  @Test
  void otherJsonReachesPlainClientsAsJsonTextAndV1ClientsAsTheValue() {
    long plain = f.openPlain("news");
    long v1 = subscribedV1("news");
    join(f.hub.publish("news", " {\"price\": 1.50, \"tags\": [\"a\"]} "));
    join(f.hub.publish("news", "42"));
    join(f.hub.publish("news", "null"));

    assertThat(f.delivery.messages(plain))
        .containsExactly("{\"price\": 1.50, \"tags\": [\"a\"]}", "42", "null");
    assertThat(f.delivery.messages(v1).get(0))
        .as("the value as published, not re-encoded")
        .endsWith(",\"data\":{\"price\": 1.50, \"tags\": [\"a\"]}}");
    assertThat(f.json(v1).get(1).get("data").asInt()).isEqualTo(42);
    assertThat(f.json(v1).get(2).get("data").isNull()).isTrue();
  }

  @Test
  void aTreeIsPublishedAsItsCompactJsonWithoutAnotherCheck() throws Exception {
    long plain = f.openPlain("news");
    long v1 = subscribedV1("news");
    ObjectNode tree = Json.MAPPER.createObjectNode().put("price", new BigDecimal("2.50"));
    tree.putArray("tags").add("a");
    join(f.hub.publish("news", tree));
    join(f.hub.publish("news", Json.readTree("\"caf\\u00e9\"")));

    assertThat(f.delivery.messages(plain))
        .containsExactly("{\"price\":2.50,\"tags\":[\"a\"]}", "caf\u00e9");
    assertThat(f.delivery.messages(v1).get(0))
        .endsWith(",\"data\":{\"price\":2.50,\"tags\":[\"a\"]}}");
    assertFailsWith(
        () -> f.hub.publish("news", MissingNode.getInstance()).toCompletableFuture().get(),
        ErrorCode.BAD_REQUEST);
    assertFailsWith(
        () -> f.hub.publish("news", (JsonNode) null).toCompletableFuture().get(),
        ErrorCode.BAD_REQUEST);
  }

  @Test
  void publishTextDeliversExactlyTheText() {
    long plain = f.openPlain("news");
    long v1 = subscribedV1("news");
    join(f.hub.publishText("news", "{not json} \"quoted\" ü"));
    assertThat(f.delivery.messages(plain)).containsExactly("{not json} \"quoted\" ü");
    assertThat(f.last(v1).get("data").asText()).isEqualTo("{not json} \"quoted\" ü");
  }

  @Test
  void eachPublicationIsEncodedOncePerFormatForAllSubscribers() {
    long[] plain = {f.openPlain("news"), f.openPlain("news"), f.openPlain("news")};
    long[] v1 = {subscribedV1("news"), subscribedV1("news"), subscribedV1("news")};
    int before = f.delivery.fanOuts().size();
    join(f.hub.publishText("news", "once"));
    assertThat(f.delivery.fanOuts().subList(before, f.delivery.fanOuts().size()))
        .as("one plain text and one envelope, each fanned out to all")
        .hasSize(2);
    for (long id : plain) {
      assertThat(f.delivery.messages(id)).containsExactly("once");
    }
    for (long id : v1) {
      assertThat(f.last(id).get("data").asText()).isEqualTo("once");
    }
  }

  @Test
  void publishRejectsInvalidJsonAndBadChannels() {
    assertThatThrownBy(() -> join(f.hub.publish("news", "{oops")))
        .hasRootCauseInstanceOf(HubException.class)
        .rootCause()
        .hasMessageStartingWith("data is not valid JSON: ");
    assertFailsWith(
        () -> f.hub.publish("news", "{oops").toCompletableFuture().get(), ErrorCode.BAD_REQUEST);
    assertFailsWith(
        () -> f.hub.publish("news", "  ").toCompletableFuture().get(), ErrorCode.BAD_REQUEST);
    assertFailsWith(
        () -> f.hub.publish("news", "1 2").toCompletableFuture().get(), ErrorCode.BAD_REQUEST);
    assertFailsWith(
        () -> f.hub.publish("bad name", "1").toCompletableFuture().get(), ErrorCode.BAD_CHANNEL);
    assertFailsWith(
        () -> f.hub.publishText("", "x").toCompletableFuture().get(), ErrorCode.BAD_CHANNEL);
  }

  private static void assertFailsWith(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HubException.class)
        .extracting(e -> ((HubException) e).code())
        .isEqualTo(code);
  }

  private long subscribedV1(String channel) {
    long id = f.openV1();
    join(f.hub.subscribe(id, channel));
    return id;
  }
}
