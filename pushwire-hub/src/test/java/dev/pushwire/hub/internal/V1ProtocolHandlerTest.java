package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.Message;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.PublishResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every {@code pushwire.v1} command, and every kind of bad input, with the exact answer. */
class V1ProtocolHandlerTest {
  private final HubFixture f =
      new HubFixture(HubConfig.newBuilder().nodeId("n1").maxGarbageCommands(3).build());
  private final long id = f.openV1();

  @AfterEach
  void close() {
    f.close();
  }

  // ---- commands -----------------------------------------------------------------------------

  @Test
  void pingRepliesWithTheSameId() {
    f.send(id, "{\"id\":1,\"op\":\"ping\"}");
    f.send(id, "{\"op\":\"ping\",\"id\":\"abc\"}");
    assertThat(f.delivery.messages(id))
        .containsExactly("{\"id\":1,\"result\":{}}", "{\"id\":\"abc\",\"result\":{}}");
  }

  @Test
  void subscribeRepliesWithThePositionAndThenPushes() {
    PublishResult before = join(f.hub.publishText("news", "old"));
    f.send(id, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    join(f.hub.publish("news", "{\"n\":2}"));
    assertThat(f.delivery.messages(id))
        .containsExactly(
            "{\"id\":1,\"result\":{\"channel\":\"news\",\"recovered\":false,\"offset\":1,\"epoch\":\""
                + before.epoch()
                + "\"}}",
            "{\"channel\":\"news\",\"offset\":2,\"epoch\":\""
                + before.epoch()
                + "\",\"data\":{\"n\":2}}");
  }

  @Test
  void subscribeTwiceIsAnError() {
    f.send(id, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    f.send(id, "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"news\"}");
    assertThat(f.last(id).toString())
        .isEqualTo(
            "{\"id\":2,\"error\":{\"code\":\"already_subscribed\",\"message\":\"already subscribed to news\"}}");
  }

  @Test
  void unsubscribeRepliesAndStopsPushes() {
    f.send(id, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    f.send(id, "{\"id\":2,\"op\":\"unsubscribe\",\"channel\":\"news\"}");
    join(f.hub.publishText("news", "after"));
    assertThat(f.delivery.messages(id)).hasSize(2);
    assertThat(f.last(id).toString()).isEqualTo("{\"id\":2,\"result\":{}}");
  }

  @Test
  void publishIsForbiddenByDefault() {
    f.send(id, "{\"id\":1,\"op\":\"publish\",\"channel\":\"news\",\"data\":\"hi\"}");
    assertThat(f.last(id).toString())
        .isEqualTo(
            "{\"id\":1,\"error\":{\"code\":\"forbidden\",\"message\":\"publishing to news is not"
                + " allowed for this connection\"}}");
    assertThat(join(f.hub.history("news", dev.pushwire.hub.HistoryOptions.top())).offset())
        .isZero();
  }

  @Test
  void publishWhenThePolicyAllowsIt() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canPublish(ConnectionInfo connection, String channel) {
            return channel.startsWith("chat:");
          }
        });
    long listener = f.openPlain("chat:1");
    f.send(id, "{\"id\":1,\"op\":\"publish\",\"channel\":\"chat:1\",\"data\":{\"text\":\"hi\"}}");
    JsonNode reply = f.last(id);
    assertThat(reply.get("id").asInt()).isEqualTo(1);
    assertThat(reply.get("result").get("offset").asLong()).isEqualTo(1);
    assertThat(reply.get("result").get("epoch").asText()).isNotEmpty();
    assertThat(f.delivery.messages(listener)).containsExactly("{\"text\":\"hi\"}");
  }

  @Test
  void publishedDecimalsArriveAsWritten() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canPublish(ConnectionInfo connection, String channel) {
            return true;
          }
        });
    long listener = f.openPlain("prices");
    f.send(
        id,
        "{\"id\":1,\"op\":\"publish\",\"channel\":\"prices\",\"data\":{\"price\":2.50,\"fee\":1.0E+2}}");
    assertThat(f.last(id).has("result")).as(f.last(id).toString()).isTrue();
    // As the HTTP API does: a client that published 2.50 must not see 2.5.
    assertThat(f.delivery.messages(listener)).containsExactly("{\"price\":2.50,\"fee\":1.0E+2}");
  }

  @Test
  void historyReturnsPublicationsWithTheirData() {
    PublishResult r = join(f.hub.publishText("news", "a"));
    join(f.hub.publish("news", "[1,2]"));
    join(f.hub.publish("news", "true"));
    f.send(id, "{\"id\":1,\"op\":\"history\",\"channel\":\"news\",\"limit\":2}");
    JsonNode result = f.last(id).get("result");
    assertThat(result.get("channel").asText()).isEqualTo("news");
    assertThat(result.get("offset").asLong()).isEqualTo(3);
    assertThat(result.get("epoch").asText()).isEqualTo(r.epoch());
    assertThat(result.has("recoverable")).as("only with since").isFalse();
    JsonNode pubs = result.get("publications");
    assertThat(pubs).hasSize(2);
    assertThat(pubs.get(0).get("offset").asLong()).isEqualTo(2);
    assertThat(pubs.get(0).get("data").toString()).isEqualTo("[1,2]");
    assertThat(pubs.get(1).get("data").asBoolean()).isTrue();
    assertThat(pubs.get(1).get("publishedAt").asLong()).isPositive();
  }

  @Test
  void historySinceSaysWhetherItIsRecoverable() {
    PublishResult r = join(f.hub.publishText("news", "a"));
    join(f.hub.publishText("news", "b"));
    f.send(
        id,
        "{\"id\":1,\"op\":\"history\",\"channel\":\"news\",\"since\":{\"offset\":1,\"epoch\":\""
            + r.epoch()
            + "\"}}");
    JsonNode result = f.last(id).get("result");
    assertThat(result.get("recoverable").asBoolean()).isTrue();
    assertThat(result.get("publications")).hasSize(1);
    assertThat(result.get("publications").get(0).get("data").asText()).isEqualTo("b");
  }

  @Test
  void presenceListsSubscribersAndCounts() {
    f.hub.userResolver(info -> "user" + info.connectionId());
    long other = f.openPlain("news");
    f.send(id, "{\"id\":1,\"op\":\"presence\",\"channel\":\"news\"}");
    JsonNode result = f.last(id).get("result");
    assertThat(result.get("channel").asText()).isEqualTo("news");
    assertThat(result.get("connections").asInt()).isEqualTo(1);
    assertThat(result.get("users").asInt()).isEqualTo(1);
    JsonNode client = result.get("clients").get(0);
    assertThat(client.get("connection").asText()).isEqualTo("n1:" + other);
    assertThat(client.get("user").asText()).isEqualTo("user" + other);
    assertThat(client.get("node").asText()).isEqualTo("n1");
    assertThat(client.get("subscribedAt").asLong()).isPositive();
  }

  // ---- command-level errors (well-formed, not garbage) ----------------------------------------

  @Test
  void badChannelNamesAreRejectedWithTheRule() {
    f.send(id, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"no spaces\"}");
    assertThat(f.last(id).toString())
        .isEqualTo(
            "{\"id\":1,\"error\":{\"code\":\"bad_channel\",\"message\":\"channel name \\\"no"
                + " spaces\\\" has a space at index 2 (allowed: A-Z a-z 0-9 _ . : @ / -)\"}}");
    for (String op : List.of("unsubscribe", "publish", "history", "presence")) {
      f.send(id, "{\"id\":2,\"op\":\"" + op + "\",\"channel\":\"\",\"data\":1}");
      assertThat(f.last(id).get("error").get("code").asText()).as(op).isEqualTo("bad_channel");
    }
  }

  @Test
  void wellFormedFailuresDoNotCountAsGarbage() {
    for (int i = 0; i < 10; i++) {
      f.send(id, "{\"id\":" + i + ",\"op\":\"subscribe\",\"channel\":\"bad name\"}");
    }
    assertThat(f.delivery.closeOf(id)).isNull();
  }

  @Test
  void policyRefusalsAreForbidden() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canSubscribe(ConnectionInfo c, String channel) {
            return false;
          }

          @Override
          public boolean canReadHistory(ConnectionInfo c, String channel) {
            return false;
          }

          @Override
          public boolean canReadPresence(ConnectionInfo c, String channel) {
            return false;
          }
        });
    for (String op : List.of("subscribe", "history", "presence")) {
      f.send(id, "{\"id\":1,\"op\":\"" + op + "\",\"channel\":\"news\"}");
      assertThat(f.last(id).get("error").get("code").asText()).as(op).isEqualTo("forbidden");
    }
  }

  @Test
  void aFailingPolicyIsAnInternalErrorNotACrash() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canSubscribe(ConnectionInfo c, String channel) {
            throw new IllegalStateException("policy bug");
          }
        });
    f.send(id, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    assertThat(f.last(id).toString())
        .isEqualTo("{\"id\":1,\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
  }

  // ---- malformed commands (garbage) ---------------------------------------------------------

  @Test
  void malformedJsonGetsAnErrorWithNullId() {
    f.send(id, "{\"id\":1,\"op\":");
    JsonNode reply = f.last(id);
    assertThat(reply.get("id").isNull()).isTrue();
    assertThat(reply.get("error").get("code").asText()).isEqualTo("bad_request");
    assertThat(reply.get("error").get("message").asText()).startsWith("malformed JSON: ");
  }

  @Test
  void aNumberTooLargeForADecimalIsMalformedAndTheConnectionGoesOn() {
    f.send(id, "{\"id\":1,\"op\":\"publish\",\"data\":1e999999999999}");
    JsonNode reply = f.last(id);
    assertThat(reply.get("error").get("code").asText()).isEqualTo("bad_request");
    assertThat(reply.get("error").get("message").asText())
        .isEqualTo("malformed JSON: a number is out of range (its exponent is too large)");
    f.send(id, "{\"id\":2,\"op\":\"ping\"}");
    assertThat(f.last(id).get("id").asInt()).isEqualTo(2);
  }

  @Test
  void trailingTextAndDuplicateKeysAreMalformed() {
    f.send(id, "{\"id\":1,\"op\":\"ping\"} x");
    assertThat(f.last(id).get("error").get("code").asText()).isEqualTo("bad_request");
    f.send(id, "{\"id\":1,\"op\":\"ping\",\"op\":\"publish\"}");
    assertThat(f.last(id).get("error").get("message").asText()).startsWith("malformed JSON: ");
  }

  @Test
  void exactAnswersForMalformedCommands() {
    assertAnswer(
        "[1,2]",
        "{\"id\":null,\"error\":{\"code\":\"bad_request\",\"message\":\"a command must be a JSON"
            + " object, not an array\"}}");
    assertAnswer(
        "",
        "{\"id\":null,\"error\":{\"code\":\"bad_request\",\"message\":\"empty message; expected a"
            + " JSON object\"}}");
    assertAnswer(
        "{\"op\":\"ping\"}",
        "{\"id\":null,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"id\\\" is missing or"
            + " invalid; expected an integer or a string of 1-64 characters\"}}");
    assertAnswer(
        "{\"id\":{},\"op\":\"ping\"}",
        "{\"id\":null,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"id\\\" is missing or"
            + " invalid; expected an integer or a string of 1-64 characters\"}}");
    assertAnswer(
        "{\"id\":3}",
        "{\"id\":3,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"op\\\" is missing or not"
            + " a string\"}}");
    assertAnswer(
        "{\"id\":4,\"op\":\"fly\"}",
        "{\"id\":4,\"error\":{\"code\":\"unknown_op\",\"message\":\"unknown op \\\"fly\\\";"
            + " expected subscribe, unsubscribe, publish, history, presence or ping\"}}");
    assertAnswer(
        "{\"id\":5,\"op\":\"subscribe\"}",
        "{\"id\":5,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"channel\\\" is missing or"
            + " not a string\"}}");
    assertAnswer(
        "{\"id\":6,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":-1,\"epoch\":\"e\"}}",
        "{\"id\":6,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"since\\\" must be"
            + " {\\\"offset\\\": <integer >= 0>, \\\"epoch\\\": <string>}\"}}");
    assertAnswer(
        "{\"id\":7,\"op\":\"publish\",\"channel\":\"news\"}",
        "{\"id\":7,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"data\\\" is missing\"}}");
    assertAnswer(
        "{\"id\":8,\"op\":\"history\",\"channel\":\"news\",\"limit\":\"ten\"}",
        "{\"id\":8,\"error\":{\"code\":\"bad_request\",\"message\":\"\\\"limit\\\" must be an"
            + " integer >= 0\"}}");
  }

  @Test
  void binaryMessagesAreRejected() {
    f.hub.handleMessage(new Message(id, true, new byte[] {1, 2, 3}));
    assertThat(f.last(id).toString())
        .isEqualTo(
            "{\"id\":null,\"error\":{\"code\":\"bad_request\",\"message\":\"binary messages are not"
                + " part of pushwire.v1; send commands as JSON text\"}}");
  }

  @Test
  void tooManyMalformedCommandsInARowCloseTheConnectionWith1008() {
    f.send(id, "nope");
    f.send(id, "{\"id\":1,\"op\":\"fly\"}");
    assertThat(f.delivery.closeOf(id)).isNull();
    f.send(id, "[]");
    assertThat(f.delivery.messages(id)).hasSize(3);
    assertThat(f.delivery.closeOf(id))
        .isEqualTo(new RecordingDelivery.Close(1008, "too many malformed commands"));
  }

  @Test
  void aWellFormedCommandResetsTheCount() {
    f.send(id, "nope");
    f.send(id, "nope");
    f.send(id, "{\"id\":1,\"op\":\"ping\"}");
    f.send(id, "nope");
    f.send(id, "nope");
    assertThat(f.delivery.closeOf(id)).isNull();
    f.send(id, "nope");
    assertThat(f.delivery.closeOf(id).code()).isEqualTo(1008);
  }

  @Test
  void garbageFromOneConnectionDoesNotCountForAnother() {
    long other = f.openV1();
    f.send(id, "nope");
    f.send(id, "nope");
    f.send(other, "nope");
    f.send(other, "nope");
    assertThat(f.delivery.closeOf(id)).isNull();
    assertThat(f.delivery.closeOf(other)).isNull();
  }

  private void assertAnswer(String command, String expected) {
    f.send(id, command);
    assertThat(f.last(id).toString()).as(command).isEqualTo(expected);
    f.send(id, "{\"id\":0,\"op\":\"ping\"}"); // keeps the garbage count below the limit
  }
}
