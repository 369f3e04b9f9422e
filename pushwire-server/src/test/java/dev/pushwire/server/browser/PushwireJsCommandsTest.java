package dev.pushwire.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The commands of {@code pushwire.js} in Chromium against a real node: ping, history, presence,
 * publish where the server allows it (and the {@code forbidden} error where it does not),
 * unsubscribing with the handle {@code subscribe} returns; and the example page of {@code
 * docs/PROTOCOL.md}, as printed there.
 */
@Timeout(60)
class PushwireJsCommandsTest {
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

  /** Runs {@code body} (an async function body using {@code pw}) in the page; its JSON result. */
  private static JsonNode run(String body) {
    Object result =
        chromium
            .driver()
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "(async (pw) => {"
                    + body
                    + "})(window.pw).then("
                    + "  (r) => done(JSON.stringify({ ok: r === undefined ? null : r })),"
                    + "  (e) => done(JSON.stringify({ error: { code: e.code, message: e.message } })));");
    try {
      return LoopbackNode.JSON.readTree((String) result);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openPage(LoopbackNode node, TestPage page) {
    chromium.driver().get(page.url());
    chromium.waitUpTo(10).until(d -> node.presence("news") == 1);
  }

  @Test
  void pingHistoryAndPresenceAnswer() {
    try (LoopbackNode node = LoopbackNode.start();
        TestPage page = TestPage.forNode(node.port(), 200, 1000)) {
      openPage(node, page);
      node.publish("news", "{\"title\":\"first\"}");
      node.publish("news", "{\"title\":\"second\"}");

      JsonNode ping = run("return await pw.ping();");
      assertThat(ping.get("ok").asDouble()).isGreaterThanOrEqualTo(0);

      JsonNode history = run("return await pw.history('news', { limit: 10 });").get("ok");
      assertThat(history.get("offset").asLong()).isEqualTo(2);
      assertThat(history.get("publications").findValuesAsText("title"))
          .containsExactly("first", "second");

      JsonNode since =
          run("const h = await pw.history('news', { limit: 1 });"
                  + "return await pw.history('news', { since: { offset: 1, epoch: h.epoch } });")
              .get("ok");
      assertThat(since.get("recoverable").asBoolean()).isTrue();
      assertThat(since.get("publications").findValuesAsText("title")).containsExactly("second");

      JsonNode presence = run("return await pw.presence('news');").get("ok");
      assertThat(presence.get("connections").asInt()).isEqualTo(1);
    }
  }

  @Test
  void publishWorksWhereAllowedAndIsRefusedWhereNot() {
    try (LoopbackNode open = LoopbackNode.start(0, b -> b.clientPublish(true));
        TestPage page = TestPage.forNode(open.port(), 200, 1000)) {
      openPage(open, page);
      JsonNode published = run("return await pw.publish('news', { text: 'from the page' });");
      assertThat(published.get("ok").get("offset").asLong()).isEqualTo(1);
      chromium.waitUpTo(5).until(d -> TestPage.log(chromium).get("received").size() == 1);
      assertThat(TestPage.log(chromium).get("received").get(0).get("data").get("text").asText())
          .isEqualTo("from the page");
    }
    try (LoopbackNode closed = LoopbackNode.start();
        TestPage page = TestPage.forNode(closed.port(), 200, 1000)) {
      openPage(closed, page);
      JsonNode refused = run("return await pw.publish('news', 'not allowed');");
      assertThat(refused.get("error").get("code").asText()).isEqualTo("forbidden");
    }
  }

  @Test
  void theTenLineExamplePageOfTheProtocolDocWorks() throws Exception {
    String doc =
        Files.readString(
            Path.of(System.getProperty("pushwire.repoRoot", ".."), "docs", "PROTOCOL.md"));
    int section = doc.indexOf("## The browser client");
    int start = doc.indexOf("```html\n", section) + "```html\n".length();
    String html = doc.substring(start, doc.indexOf("```", start));
    assertThat(html.lines()).hasSize(10);
    try (LoopbackNode node = LoopbackNode.start();
        TestPage page = TestPage.serve(html.replace("9876", String.valueOf(node.port())))) {
      chromium.driver().get(page.url());
      chromium.waitUpTo(10).until(d -> node.presence("news") == 1);
      node.publish("news", "\"hello\"");
      chromium
          .waitUpTo(5)
          .until(
              d ->
                  d.findElements(By.cssSelector("#news li")).stream()
                      .anyMatch(li -> li.getText().equals("#1: \"hello\"")));
    }
  }

  @Test
  void theHandleUnsubscribes() {
    try (LoopbackNode node = LoopbackNode.start();
        TestPage page = TestPage.forNode(node.port(), 200, 1000)) {
      openPage(node, page);
      JsonNode subscribed =
          run("window.sport = [];"
                  + "window.handle = pw.subscribe('sport', (d) => window.sport.push(d));"
                  + "return await window.handle.ready;")
              .get("ok");
      assertThat(subscribed.get("channel").asText()).isEqualTo("sport");
      assertThat(node.presence("sport")).isEqualTo(1);
      node.publish("sport", "\"goal\"");
      chromium
          .waitUpTo(5)
          .until(d -> ((Number) chromium.js("return window.sport.length")).intValue() == 1);

      chromium.js("window.handle.unsubscribe()");
      chromium.waitUpTo(5).until(d -> node.presence("sport") == 0);
      node.publish("sport", "\"too late\"");
      node.publish("news", "\"still here\"");
      chromium.waitUpTo(5).until(d -> TestPage.log(chromium).get("received").size() == 1);
      assertThat(chromium.js("return window.sport")).asList().containsExactly("goal");
    }
  }
}
