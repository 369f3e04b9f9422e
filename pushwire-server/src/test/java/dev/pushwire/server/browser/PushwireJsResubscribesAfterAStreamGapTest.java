package dev.pushwire.server.browser;

import static dev.pushwire.server.browser.PushwireJsRecoversMissedPublicationsTest.event;
import static dev.pushwire.server.browser.PushwireJsRecoversMissedPublicationsTest.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.testing.TcpProxy;
import dev.pushwire.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pushwire.js} in Chromium acts on the server's gap signals (issue 12): its node is cut off
 * from Redis (through a TCP proxy) while another node publishes more than history keeps. When the
 * node is back it sends the page an {@code unsubscribed} notice; the page subscribes again from the
 * last offset it delivered, is told which offsets are {@code lost}, and gets what history still
 * held, then live publications: nothing skipped without being told, nothing twice.
 */
@Timeout(120)
class PushwireJsResubscribesAfterAStreamGapTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final int HISTORY = 10;

  private static HeadlessChromium chromium;
  private static TcpProxy proxy;
  private static LoopbackNode cutOff;
  private static LoopbackNode publisher;

  @BeforeAll
  static void start() throws Exception {
    chromium = HeadlessChromium.start();
    proxy = new TcpProxy(redis.port());
    cutOff =
        LoopbackNode.start(
            0,
            b -> b.nodeId("cut").broker("redis://127.0.0.1:" + proxy.port()).historySize(HISTORY));
    publisher =
        LoopbackNode.start(0, b -> b.nodeId("pub").broker(redis.uri()).historySize(HISTORY));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chromium, cutOff, publisher, proxy}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void thePageIsToldWhatWasLostAndGetsWhatHistoryStillHeld() {
    try (TestPage page = TestPage.forNode(cutOff.port(), 200, 500)) {
      chromium.driver().get(page.url());
      chromium.waitUpTo(20).until(d -> cutOff.presence("news") == 1);
      for (int i = 1; i <= 3; i++) {
        publisher.publish("news", Integer.toString(i));
      }
      chromium.waitUpTo(20).until(d -> TestPage.log(chromium).get("received").size() == 3);

      proxy.cut();
      try {
        chromium.waitUpTo(20).until(d -> !cutOff.node().isReady());
      } catch (org.openqa.selenium.TimeoutException e) {
        // Seen once on a busy machine: the node stayed ready after the cut. Say what the proxy and
        // the node saw, for the next look.
        throw new AssertionError(
            "the node stayed ready after the cut; connections through the proxy now: "
                + proxy.openConnections()
                + "; page log: "
                + TestPage.log(chromium),
            e);
      }
      for (int i = 4; i <= 30; i++) {
        publisher.publish("news", Integer.toString(i)); // history keeps 21..30
      }
      proxy.restore();

      try {
        chromium
            .waitUpTo(60)
            .until(
                d -> {
                  JsonNode r = TestPage.log(chromium).get("received");
                  return r.size() > 0 && r.get(r.size() - 1).get("offset").asLong() == 30;
                });
      } catch (org.openqa.selenium.TimeoutException e) {
        throw new AssertionError(
            "the page did not get offset 30; node ready: "
                + cutOff.node().isReady()
                + "; page log: "
                + TestPage.log(chromium),
            e);
      }
      publisher.publish("news", "31");
      chromium
          .waitUpTo(20)
          .until(
              d -> {
                JsonNode r = TestPage.log(chromium).get("received");
                return r.get(r.size() - 1).get("offset").asLong() == 31;
              });

      JsonNode log = TestPage.log(chromium);
      List<Long> expected = new ArrayList<>(List.of(1L, 2L, 3L));
      for (long o = 21; o <= 31; o++) {
        expected.add(o);
      }
      assertThat(offsets(log.get("received"))).containsExactlyElementsOf(expected);
      JsonNode unsubscribed = event(log, "unsubscribed", 0);
      assertThat(unsubscribed.get("code").asText()).isEqualTo("insufficient_state");
      assertThat(unsubscribed.get("resubscribe").asBoolean()).isTrue();
      JsonNode again = event(log, "subscribed", 1);
      assertThat(again.get("recovered").asBoolean()).isFalse();
      assertThat(again.get("lost").get("from").asLong()).isEqualTo(4);
      assertThat(again.get("lost").get("to").asLong()).isEqualTo(20);
      assertThat(log.get("errors")).isEmpty();
    }
  }
}
