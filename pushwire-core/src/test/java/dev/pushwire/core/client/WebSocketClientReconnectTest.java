package dev.pushwire.core.client;

import static dev.pushwire.core.client.WebSocketClientAgainstNodeWsTest.await;
import static dev.pushwire.core.client.WebSocketClientAgainstNodeWsTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that the client reconnects to Node's {@code ws} after losing a connection it did not
 * close, waits with exponential backoff between attempts, gives up after {@code maxAttempts}
 * failures in a row, and never reconnects after a close of its own.
 *
 * <p>The server refuses upgrades on request ({@code !drop n}), so failed attempts are counted
 * exactly by the server's {@code reject} lines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketClientReconnectTest {
  /**
   * How long nothing may happen before a test concludes that nothing will: long against the delays
   * used here, so that an attempt that should not be made has had every chance to run. A wait for
   * something that does not happen, so it is a sleep.
   */
  private static final long QUIET_MILLIS = 300;

  private static NodeWsServer node;

  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNode() throws IOException {
    node = NodeWsServer.start();
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void shutdownClients() {
    clients.forEach(WebSocketClient::shutdown);
  }

  private WebSocketClient client(String key, ReconnectPolicy policy) {
    WebSocketClient c =
        WebSocketClient.create(
            URI.create("ws://127.0.0.1:" + node.port() + "/?key=" + key),
            ClientSettings.newBuilder().reconnect(policy).build());
    clients.add(c);
    return c;
  }

  /** Waits until the server has printed {@code line} {@code n} times. */
  private static void awaitLines(String line, int n) {
    org.awaitility.Awaitility.await(line)
        .atMost(Duration.ofSeconds(30))
        .until(() -> node.count(line) >= n);
  }

  @Test
  void reconnectsWithExponentialBackoffAfterTheConnectionIsLost() throws Exception {
    ReconnectPolicy policy =
        ReconnectPolicy.newBuilder()
            .initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(1))
            .multiplier(2.0)
            .jitter(false)
            .maxAttempts(5)
            .build();
    WebSocketClient c = client("backoff", policy);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    long start = System.nanoTime();
    await(c.sendText("!drop 2")); // lose the connection, then refuse two upgrades
    CloseEvent lost = events.nextClose();
    assertThat(lost.code()).isEqualTo(CloseCodes.ABNORMAL);
    assertThat(lost.byServer()).isTrue();
    CompletionStage<Void> reopened = c.connect();

    await(reopened);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(events.opens).hasValue(2);
    // Without jitter the waits are 100, 200 and 400 ms: two refused attempts, then success.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    awaitLines("reject backoff", 2);
    assertThat(node.count("reject backoff")).isEqualTo(2);
    assertThat(events.errors).hasSize(2).allSatisfy(e -> assertThat(e).hasMessageContaining("503"));

    await(c.sendText("back again"));
    assertThat(events.nextMessage().text()).isEqualTo("back again");
  }

  @Test
  void givesUpAfterMaxAttemptsAndDoesNotRetryAFailedConnect() throws Exception {
    ReconnectPolicy policy =
        ReconnectPolicy.newBuilder()
            .initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(40))
            .maxAttempts(3)
            .build();
    WebSocketClient c = client("give-up", policy);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    await(c.sendText("!drop 100"));
    events.nextClose();
    events.awaitErrors(4); // three refused attempts, then giving up
    assertThat(events.errors.get(3))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gave up")
        .hasMessageContaining("after 3 failed attempts");
    awaitLines("reject give-up", 3);
    Thread.sleep(QUIET_MILLIS);
    assertThat(node.count("reject give-up")).isEqualTo(3);
    assertThat(events.errors).hasSize(4);
    assertThat(c.isOpen()).isFalse();

    assertThat(failureOf(c.connect())).hasMessageContaining("503");
    awaitLines("reject give-up", 4);
    Thread.sleep(QUIET_MILLIS);
    assertThat(node.count("reject give-up")).isEqualTo(4);
    assertThat(events.opens).hasValue(1);
  }

  @Test
  void reconnectsAfterAServerCloseButNotAfterItsOwnClose() throws Exception {
    ReconnectPolicy policy =
        ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).jitter(false).build();
    WebSocketClient c = client("own-close", policy);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    await(c.sendText("!close 4003 come back later"));
    CloseEvent byServer = events.nextClose();
    assertThat(byServer.code()).isEqualTo(4003);
    assertThat(byServer.byServer()).isTrue();
    events.awaitOpens(2);

    await(c.close(CloseCodes.NORMAL, "done"));
    CloseEvent own = events.nextClose();
    assertThat(own.code()).isEqualTo(CloseCodes.NORMAL);
    assertThat(own.byServer()).isFalse();
    awaitLines("open own-close -", 2);
    Thread.sleep(QUIET_MILLIS);
    assertThat(events.opens).hasValue(2);
    assertThat(node.count("open own-close -")).isEqualTo(2);
    assertThat(c.isOpen()).isFalse();
    assertThat(events.errors).isEmpty();
  }

  @Test
  void closingWhileWaitingToReconnectStopsReconnecting() throws Exception {
    // The delay is counted from the loss, so it must outlast the test's close() below, which a
    // busy machine may run a good while after the test thread saw the loss.
    ReconnectPolicy policy =
        ReconnectPolicy.newBuilder().initialDelay(Duration.ofSeconds(2)).jitter(false).build();
    WebSocketClient c = client("close-while-waiting", policy);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    await(c.sendText("!drop"));
    events.nextClose();
    CompletionStage<Void> reopened = c.connect();
    await(c.close(CloseCodes.NORMAL, ""));
    assertThat(failureOf(reopened)).isInstanceOf(IOException.class);
    awaitLines("open close-while-waiting -", 1);
    Thread.sleep(2000 + QUIET_MILLIS); // past the reconnect delay it must not act on
    assertThat(events.opens).hasValue(1);
    assertThat(node.count("open close-while-waiting -")).isEqualTo(1);
  }
}
