package dev.pushwire.server.browser;

import static dev.pushwire.server.browser.PushwireJsRecoversMissedPublicationsTest.event;
import static dev.pushwire.server.browser.PushwireJsRecoversMissedPublicationsTest.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code pushwire.js} in Chromium survives its server's restart: it backs off while the port is
 * closed, reconnects to the new node on the same port, resubscribes, and reports {@code recovered:
 * false} (the memory broker's history was lost with the old node, so the epoch changed); then it
 * receives the new node's publications.
 */
@Timeout(60)
class PushwireJsReconnectsAfterRestartTest {
  private static HeadlessChromium chromium;

  @BeforeAll
  static void start() {
    chromium = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void reconnectsToTheNewNodeAndReportsThatNothingWasRecovered() {
    LoopbackNode first = LoopbackNode.start();
    int port = first.port();
    LoopbackNode second = null;
    try (TestPage page = TestPage.forNode(port, 200, 1000)) {
      chromium.driver().get(page.url());
      chromium.waitUpTo(10).until(d -> first.presence("news") == 1);
      first.publish("news", "\"before\"");
      chromium.waitUpTo(5).until(d -> TestPage.log(chromium).get("received").size() == 1);
      String firstEpoch = TestPage.log(chromium).get("received").get(0).get("epoch").asText();

      first.close();
      chromium
          .waitUpTo(5)
          .until(d -> types(TestPage.log(chromium).get("events")).contains("closed"));
      // At least one attempt fails against the closed port before the new node binds it: the
      // page is waiting for its second attempt.
      chromium
          .waitUpTo(30)
          .until(
              d ->
                  types(TestPage.log(chromium).get("events")).stream()
                          .filter("reconnecting"::equals)
                          .count()
                      >= 2);
      second = LoopbackNode.start(port, b -> b);
      LoopbackNode restarted = second;
      chromium.waitUpTo(10).until(d -> restarted.presence("news") == 1);
      second.publish("news", "\"after\"");
      chromium.waitUpTo(5).until(d -> TestPage.log(chromium).get("received").size() == 2);

      JsonNode log = TestPage.log(chromium);
      JsonNode closed = event(log, "closed", 0);
      assertThat(closed.get("code").asInt()).as("the node going away").isEqualTo(1001);
      assertThat(types(log.get("events")))
          .containsSubsequence("open", "closed", "reconnecting", "connecting", "open");
      JsonNode resubscribed = event(log, "subscribed", 1);
      assertThat(resubscribed.get("resubscribed").asBoolean()).isTrue();
      assertThat(resubscribed.get("recovered").asBoolean()).isFalse();
      assertThat(resubscribed.get("epoch").asText()).isNotEqualTo(firstEpoch);
      JsonNode after = log.get("received").get(1);
      assertThat(after.get("data").asText()).isEqualTo("after");
      assertThat(after.get("offset").asLong()).isEqualTo(1);
      assertThat(after.get("epoch").asText()).isEqualTo(resubscribed.get("epoch").asText());
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }
}
