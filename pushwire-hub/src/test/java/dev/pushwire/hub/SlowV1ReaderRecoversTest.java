package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code pushwire.v1} reader that stops reading while publications pour in (issue 12, item 3) is
 * told: under either slow-consumer policy it is closed with 4008 after what was queued for it,
 * reconnects, resubscribes from the last offset it handled, and then has every offset exactly once
 * in order (history large enough), or every offset history still held plus an explicit {@code lost}
 * range for the rest (history too small). Nothing is skipped without a signal.
 */
class SlowV1ReaderRecoversTest {
  private static final int SIZE = 4096;
  private static final int BEFORE = 6000; // 24 MB: more than the kernel's buffers on loopback
  private static final int AFTER = 500;
  private static final Duration DEADLINE = Duration.ofMinutes(2);

  enum History {
    LARGE(BEFORE + AFTER),
    SMALL(200);

    final int size;

    History(int size) {
      this.size = size;
    }
  }

  private WebSocketServer server;
  private Hub hub;
  private V1TestClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    hub.close();
    server.stop(Duration.ofSeconds(2));
  }

  @ParameterizedTest
  @EnumSource(History.class)
  void aStalledV1ReaderIsClosedWith4008AndRecovers(History history) {
    for (SlowConsumerPolicy policy : SlowConsumerPolicy.values()) {
      start(policy, history.size);
      run(history, policy);
      stop();
      client = null;
    }
    start(SlowConsumerPolicy.DROP, history.size); // for @AfterEach
  }

  private void run(History history, SlowConsumerPolicy policy) {
    client = new V1TestClient(() -> URI.create("ws://127.0.0.1:" + server.port() + "/"), "feed");
    awaitOrExplain("subscribed", client::subscribed);

    client.stall();
    for (int i = 1; i <= BEFORE; i++) {
      hub.publishText("feed", payload(i));
    }
    awaitOrExplain("a slow-consumer close", () -> server.stats().slowConsumerCloses() >= 1);
    client.resume();
    // 4008 when the reader takes the close frame; 1006 when it still had not read anything 2x the
    // slow-consumer timeout after the close (a busy machine resumes it late) and the node dropped
    // it. Either way it reconnects and recovers, which is what the rest checks.
    awaitOrExplain(
        "the client seeing its connection closed",
        () ->
            client.closeCodes().contains(Hub.CLOSE_SLOW_CONSUMER)
                || client.closeCodes().contains(1006));
    awaitOrExplain("subscribed again", client::subscribed);
    for (int i = BEFORE + 1; i <= BEFORE + AFTER; i++) {
      hub.publishText("feed", payload(i));
    }
    int total = BEFORE + AFTER;
    awaitOrExplain("the last offset", () -> client.lastOffset() == total);

    List<V1TestClient.Push> got = client.pushes();
    assertThat(client.silentGaps()).as("silent gaps: %s", client).isZero();
    assertThat(client.duplicates()).as("duplicates: %s", client).isZero();
    for (V1TestClient.Push p : got) {
      assertThat(p.data()).isEqualTo("\"" + payload((int) p.offset()) + "\"");
    }
    assertThat(got.size() + client.lostReported()).as("received + reported lost").isEqualTo(total);
    if (history == History.LARGE) {
      assertThat(client.lostReported()).isZero();
      assertThat(client.recoveredFlags()).endsWith(true);
    } else {
      assertThat(client.lostReported()).isPositive();
      assertThat(client.recoveredFlags()).endsWith(false);
    }
    assertThat(server.stats().slowConsumerDrops()).as("v1 readers are never dropped").isZero();
    System.out.printf(
        "slow v1 reader, %s history, %s policy: published %d, received %d, reported lost %d,"
            + " closes %s, signals %s, recovered %s%n",
        history,
        policy,
        total,
        got.size(),
        client.lostReported(),
        client.closeCodes(),
        client.signals(),
        client.recoveredFlags());
  }

  /** Waits for {@code condition}; a timeout says what the client and the server saw. */
  private void awaitOrExplain(String what, Callable<Boolean> condition) {
    try {
      await().atMost(DEADLINE).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no "
              + what
              + " within "
              + DEADLINE
              + "; client: "
              + client
              + "; server: "
              + server.stats()
              + ", connections "
              + server.connectionCount(),
          e);
    }
  }

  private void start(SlowConsumerPolicy policy, int historySize) {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(2)
                .compression(false)
                .subprotocols(Hub.SUBPROTOCOL)
                .writeBufferWaterMarks(32 * 1024, 128 * 1024)
                .slowConsumerPolicy(policy)
                .slowConsumerTimeout(Duration.ofMillis(300))
                .slowConsumerMaxPending(512 * 1024)
                .build());
    hub =
        Hub.create(
            server,
            HubConfig.newBuilder()
                .nodeId("slow")
                .historySize(historySize)
                .historyTtl(Duration.ofMinutes(10))
                .build());
    server.start();
  }

  private static String payload(int seq) {
    StringBuilder b = new StringBuilder(SIZE);
    b.append(seq).append(':');
    while (b.length() < SIZE) {
      b.append((char) ('a' + (seq + b.length()) % 26));
    }
    return b.toString();
  }
}
