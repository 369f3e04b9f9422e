package dev.pushwire.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code pushwire.js} in Chromium receives publications, and when the server drops its connection
 * it reconnects and resubscribes with its last offset and epoch, so the publications made while it
 * was away arrive too: once each, in order, reported as {@code recovered: true}.
 */
@Timeout(60)
class PushwireJsRecoversMissedPublicationsTest {
  private static HeadlessChromium chromium;
  private static LoopbackNode node;

  @BeforeAll
  static void start() {
    chromium = HeadlessChromium.start();
    node = LoopbackNode.start();
  }

  @AfterAll
  static void stop() {
    try {
      if (chromium != null) {
        chromium.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  void publicationsMadeWhileDisconnectedArriveAfterTheReconnect() {
    // A fixed wait of 1.5 s before reconnecting: the publications below are made meanwhile.
    try (TestPage page = TestPage.forNode(node.port(), 1500, 1500)) {
      chromium.driver().get(page.url());
      chromium.waitUpTo(10).until(d -> node.presence("news") == 1);
      node.publish("news", "\"one\"");
      node.publish("news", "{\"n\":2}");
      chromium.waitUpTo(5).until(d -> TestPage.log(chromium).get("received").size() == 2);

      String id = pageConnection();
      node.api("POST", "/api/disconnect", "{\"id\":\"" + id + "\"}");
      chromium.waitUpTo(5).until(d -> node.presence("news") == 0);
      node.publish("news", "\"three\"");
      node.publish("news", "\"four\"");
      node.publish("news", "\"five\"");
      assertThat(node.presence("news"))
          .as("the page is still away: these three were published while it was disconnected")
          .isZero();

      chromium.waitUpTo(10).until(d -> TestPage.log(chromium).get("received").size() >= 5);
      LoopbackNode.sleep(300); // a duplicate would arrive now
      JsonNode log = TestPage.log(chromium);
      assertThat(offsets(log.get("received"))).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(log.get("received").findValuesAsText("epoch")).hasSize(5).containsOnly(epoch());
      assertThat(log.get("received").get(0).get("data").asText()).isEqualTo("one");
      assertThat(log.get("received").get(1).get("data").get("n").asInt()).isEqualTo(2);
      assertThat(log.get("received").get(4).get("data").asText()).isEqualTo("five");

      List<String> types = types(log.get("events"));
      assertThat(types)
          .containsSubsequence(
              "connecting", "open", "subscribed", "closed", "reconnecting", "connecting", "open");
      JsonNode closed = event(log, "closed", 0);
      assertThat(closed.get("code").asInt()).isEqualTo(1000);
      assertThat(closed.get("reconnect").asBoolean()).isTrue();
      assertThat(event(log, "reconnecting", 0).get("delay").asInt()).isEqualTo(1500);
      JsonNode resubscribed = event(log, "subscribed", 1);
      assertThat(resubscribed.get("resubscribed").asBoolean()).isTrue();
      assertThat(resubscribed.get("recovered").asBoolean()).isTrue();
      assertThat(log.get("errors")).isEmpty();
    }
  }

  /** The id of the one connection subscribed to {@code news}: the page's. */
  private static String pageConnection() {
    for (JsonNode c : node.api("GET", "/api/connections", null).get("connections")) {
      if (c.get("channels").toString().contains("\"news\"")) {
        return c.get("id").asText();
      }
    }
    throw new AssertionError("the page's connection is not listed");
  }

  private static String epoch() {
    return node.api("GET", "/api/history?channel=news&limit=0", null).get("epoch").asText();
  }

  static List<Long> offsets(JsonNode received) {
    List<Long> out = new ArrayList<>();
    received.forEach(r -> out.add(r.get("offset").asLong()));
    return out;
  }

  static List<String> types(JsonNode events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.get("type").asText()));
    return out;
  }

  /** The {@code index}-th event of {@code type}. */
  static JsonNode event(JsonNode log, String type, int index) {
    int seen = 0;
    for (JsonNode e : log.get("events")) {
      if (e.get("type").asText().equals(type) && seen++ == index) {
        return e;
      }
    }
    throw new AssertionError("no " + type + " event #" + index + " in " + log.get("events"));
  }
}
