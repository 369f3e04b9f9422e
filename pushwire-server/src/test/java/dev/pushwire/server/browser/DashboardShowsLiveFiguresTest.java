package dev.pushwire.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in Chromium, on a node bound to loopback: it loads without a console error, its
 * figures and channel view follow what is published through the HTTP API, and its forms publish and
 * disconnect.
 */
@Timeout(60)
class DashboardShowsLiveFiguresTest {
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

  private static WebDriver driver() {
    return chromium.driver();
  }

  /** Opens the dashboard signed in, and waits for its first figures and its live socket. */
  private static void openSignedIn() {
    driver().get("about:blank"); // a new page each time, not a jump within the last one
    driver().get(node.http("/#key=" + LoopbackNode.KEY));
    chromium
        .waitUpTo(10)
        .until(
            d ->
                text("[data-figure='connections']").matches("\\d+")
                    && socketState().equals("open"));
  }

  private static String text(String css) {
    return driver().findElement(By.cssSelector(css)).getText().trim();
  }

  private static String socketState() {
    return driver().findElement(By.id("socket-state")).getAttribute("data-state");
  }

  private static long leadingNumber(String text) {
    return Long.parseLong(text.replaceAll("^([\\d,]+).*$", "$1").replace(",", ""));
  }

  @Test
  void theChannelPanelWithNothingWatchedHasAPlainTitleAndAHintClearOfTheLabels() throws Exception {
    openSignedIn();

    assertThat(text("#channel-view h2")).isEqualTo("Channel");
    assertThat(driver().findElement(By.id("watch-hint")).isDisplayed()).isTrue();
    // The hint ends above the LIVE and HISTORY labels, with room between (it used to touch them).
    Object gap =
        chromium.js(
            "const hint = document.getElementById('watch-hint').getBoundingClientRect();"
                + "const labels = document.querySelectorAll('#channel-view .split h3');"
                + "return Math.min(...Array.from(labels, l => l.getBoundingClientRect().top))"
                + " - hint.bottom;");
    assertThat(((Number) gap).doubleValue())
        .as("pixels between the hint and the labels")
        .isGreaterThanOrEqualTo(8);
    Path shot = Path.of("target", "screenshots", "dashboard-channel-panel.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, chromium.screenshot());
  }

  @Test
  void loadsWithoutConsoleErrors() {
    chromium.console(); // what earlier tests left
    openSignedIn();
    // Three more rounds of /api/stats, and the charts drawn from them.
    chromium
        .waitUpTo(10)
        .until(d -> d.findElements(By.cssSelector("#chart-messages polyline")).size() >= 3);
    LoopbackNode.sleep(2000); // the scenario: the page runs a while; no error may show meanwhile

    assertThat(driver().findElement(By.id("main")).isDisplayed()).isTrue();
    assertThat(driver().findElement(By.id("sign-in")).isDisplayed()).isFalse();
    assertThat(driver().getCurrentUrl())
        .as("the key is taken out of the URL")
        .doesNotContain("key=");
    assertThat(text("#node-line")).startsWith("node " + node.node().hub().nodeId());
    assertThat(chromium.consoleErrors()).isEmpty();
  }

  @Test
  void publishingThroughTheApiUpdatesTheChannelViewAndTheCounters() throws Exception {
    try (JdkWebSocketClient subscriber = JdkWebSocketClient.connect(node.ws("/?channel=prices"))) {
      openSignedIn();
      WebElement row =
          chromium
              .waitUpTo(10)
              .until(d -> d.findElement(By.cssSelector("#channels tr[data-channel='prices']")));
      long publishedBefore = leadingNumber(text("[data-figure='published']"));
      row.click();
      chromium.waitUpTo(10).until(d -> node.presence("prices") == 2);
      assertThat(text("#watched")).isEqualTo("prices");

      node.publish("prices", "{\"eur\":1.1}");
      node.publish("prices", "{\"eur\":1.2}");
      node.publish("prices", "\"closed\"");

      chromium.waitUpTo(5).until(d -> d.findElements(By.cssSelector("#live-pubs li")).size() == 3);
      List<String> live =
          driver().findElements(By.cssSelector("#live-pubs li .data")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(live).containsExactly("\"closed\"", "{\"eur\":1.2}", "{\"eur\":1.1}");
      chromium
          .waitUpTo(5)
          .withMessage(() -> "published: " + text("[data-figure='published']"))
          .until(d -> leadingNumber(text("[data-figure='published']")) == publishedBefore + 3);
      chromium
          .waitUpTo(5)
          .withMessage(
              () ->
                  "connections: "
                      + text("[data-figure='connections']")
                      + " "
                      + node.api("GET", "/api/connections", null))
          .until(
              d ->
                  text("[data-figure='connections']")
                      .equals(String.valueOf(node.node().server().stats().connections())));
      chromium
          .waitUpTo(5)
          .withMessage(() -> "subscribers: " + text("#channels tr[data-channel='prices'] td.num"))
          .until(d -> text("#channels tr[data-channel='prices'] td.num").equals("2"));

      driver().findElement(By.id("history-reload")).click();
      chromium
          .waitUpTo(5)
          .until(d -> d.findElements(By.cssSelector("#history-pubs li[data-offset]")).size() == 3);
      assertThat(subscriber.next(Duration.ofSeconds(5))).isEqualTo("{\"eur\":1.1}");
    }
  }

  @Test
  void thePublishFormPublishes() throws Exception {
    try (JdkWebSocketClient subscriber = JdkWebSocketClient.connect(node.ws("/?channel=form"))) {
      openSignedIn();
      driver().findElement(By.id("publish-channel")).sendKeys("form");
      driver().findElement(By.id("publish-data")).sendKeys("hello from the form");
      driver().findElement(By.cssSelector("#publish-form button[type='submit']")).click();

      assertThat(subscriber.next(Duration.ofSeconds(5))).isEqualTo("hello from the form");
      chromium.waitUpTo(5).until(d -> text("#publish-result").startsWith("Published to form"));
    }
  }

  @Test
  void theDisconnectButtonClosesThatConnection() throws Exception {
    try (JdkWebSocketClient doomed = JdkWebSocketClient.connect(node.ws("/?channel=doomed"))) {
      openSignedIn();
      By button =
          By.xpath("//table[@id='connections']//tr[td[normalize-space()='doomed']]//button");
      chromium.waitUpTo(10).until(d -> d.findElement(button)).click();

      assertThat(doomed.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
      chromium.waitUpTo(5).until(d -> d.findElements(button).isEmpty());
      assertThat(text("#connections-action")).startsWith("Disconnected ");
    }
  }

  @Test
  void aWrongKeyIsRefusedAndTheRightOneSignsIn() {
    driver().get("about:blank");
    driver().get(node.http("/#key=wrong-key"));
    chromium
        .waitUpTo(10)
        .until(d -> text("#sign-in-error").equals("That key is not accepted by this node."));
    assertThat(driver().findElement(By.id("main")).isDisplayed()).isFalse();

    driver().findElement(By.id("key")).sendKeys(LoopbackNode.KEY);
    driver().findElement(By.cssSelector("#sign-in-form button[type='submit']")).click();
    chromium.waitUpTo(10).until(d -> d.findElement(By.id("main")).isDisplayed());
    assertThat(chromium.js("return sessionStorage.getItem('pushwire.dashboard.key')"))
        .isEqualTo(LoopbackNode.KEY);
  }
}
