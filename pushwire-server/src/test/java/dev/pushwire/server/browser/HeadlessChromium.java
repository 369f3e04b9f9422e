package dev.pushwire.server.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver with Selenium. Both paths are
 * given explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver. Each
 * instance has a fresh profile folder, removed on {@link #close()}; Chromium is told not to reach
 * the network on its own (no component updates, sync or background requests).
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a browser; fails (not skips) when Chromium or its driver is missing. */
  static HeadlessChromium start() {
    if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
      throw new AssertionError(
          "the browser tests need Debian's chromium and chromium-driver ("
              + BINARY
              + ", "
              + DRIVER
              + "); run scripts/test-setup as root (./mvnw verify does) or apt-get install"
              + " chromium chromium-driver");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("pushwire-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
    return new HeadlessChromium(driver, profile);
  }

  ChromeDriver driver() {
    return driver;
  }

  /** A wait of up to {@code seconds}, polling every 50 ms. */
  WebDriverWait waitUpTo(int seconds) {
    // At least 30 s whatever the caller asked: Chromium on a busy machine is slow, and the bound
    // only matters when the test fails.
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(Math.max(seconds, 30)));
    wait.pollingEvery(Duration.ofMillis(50));
    // The dashboard redraws its tables as figures arrive: an element found a moment ago may be
    // gone by the time it is read; the next poll finds the new one.
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Runs {@code script} in the page and returns what it returns. */
  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The browser console's entries since the last call (the log is read destructively). */
  List<LogEntry> console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** The console's errors since the last call: uncaught exceptions, failed loads, CSP refusals. */
  List<String> consoleErrors() {
    return console().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** A PNG of the window. */
  byte[] screenshot() {
    return driver.getScreenshotAs(OutputType.BYTES);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A profile folder left in the temp directory is harmless; the test result is not.
    }
  }
}
