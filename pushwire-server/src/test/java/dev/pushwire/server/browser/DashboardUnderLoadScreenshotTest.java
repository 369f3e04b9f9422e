package dev.pushwire.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The dashboard under load: subscribers coming and going on several channels and a publisher
 * sending a varying rate through the HTTP API, while the dashboard watches one channel. Its figures
 * show the traffic, no console error appears, and a screenshot is written to {@code
 * target/screenshots/dashboard.png}; with {@code -Dpushwire.updateScreenshot=true} it also replaces
 * {@code docs/img/dashboard.png}, the one README shows.
 */
@Timeout(60)
class DashboardUnderLoadScreenshotTest {
  private static final String[] CHANNELS = {
    "prices/eur", "prices/usd", "news", "chat:lobby", "sport", "weather"
  };
  private static final long LOAD_MILLIS = 16_000;

  @Test
  void showsTheTrafficAndIsPhotographed() throws Exception {
    List<JdkWebSocketClient> subscribers = new CopyOnWriteArrayList<>();
    ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
    try (LoopbackNode node = LoopbackNode.start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      for (int i = 0; i < 18; i++) {
        subscribers.add(
            JdkWebSocketClient.connect(node.ws("/?channel=" + CHANNELS[i % CHANNELS.length])));
      }
      chromium.driver().manage().window().setSize(new Dimension(1400, 1180));
      chromium.driver().get(node.http("/#key=" + LoopbackNode.KEY));
      chromium
          .waitUpTo(10)
          .until(d -> d.findElement(By.cssSelector("#channels tr[data-channel='prices/eur']")))
          .click();

      long start = System.nanoTime();
      AtomicLong sequence = new AtomicLong();
      // The publisher: 20-120 publications a second, in waves, round the channels.
      load.scheduleAtFixedRate(
          () -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            int burst = (int) Math.round(1 + 2.5 * (1 + Math.sin(seconds / 2.2)));
            for (int i = 0; i < burst; i++) {
              long n = sequence.incrementAndGet();
              String channel = CHANNELS[(int) (n % CHANNELS.length)];
              String data =
                  String.format(
                      Locale.ROOT,
                      "{\"seq\":%d,\"price\":%.4f}",
                      n,
                      1.08 + 0.01 * Math.sin(n / 40.0));
              node.publish(channel, data);
            }
          },
          0,
          25,
          TimeUnit.MILLISECONDS);
      // Subscribers coming and going.
      load.scheduleAtFixedRate(
          () -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            try {
              if (seconds < 9) {
                subscribers.add(
                    JdkWebSocketClient.connect(
                        node.ws("/?channel=" + CHANNELS[subscribers.size() % CHANNELS.length])));
              } else if (subscribers.size() > 20) {
                subscribers.remove(subscribers.size() - 1).close();
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          500,
          500,
          TimeUnit.MILLISECONDS);

      LoopbackNode.sleep(LOAD_MILLIS); // the scenario: the charts fill under load
      load.shutdown();
      assertThat(load.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

      assertThat(chromium.driver().findElements(By.cssSelector("#live-pubs li"))).isNotEmpty();
      String published =
          chromium.driver().findElement(By.cssSelector("[data-figure='published']")).getText();
      assertThat(published).endsWith(" published").isNotEqualTo("0 published");
      assertThat(chromium.consoleErrors()).isEmpty();

      Path shot = Path.of("target", "screenshots", "dashboard.png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, chromium.screenshot());
      if (Boolean.getBoolean("pushwire.updateScreenshot")) {
        Path docs = Path.of(System.getProperty("pushwire.repoRoot", ".."), "docs", "img");
        Files.createDirectories(docs);
        Files.copy(
            shot, docs.resolve("dashboard.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      load.shutdownNow();
      subscribers.forEach(JdkWebSocketClient::close);
    }
  }
}
