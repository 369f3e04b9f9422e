package dev.pushwire.core.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.FrameSocket;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out path with a deliberately stalled reader (issue 2, section 3): a raw socket that
 * completes the handshake with a small receive buffer and then never reads, next to normal clients
 * (the JDK's {@code java.net.http.WebSocket}). With small water marks (16 KiB / 64 KiB) and at
 * least 2000 broadcasts of 1 KiB, every normal client gets every message in order exactly once, and
 * the stalled one is handled by the slow-consumer policy: skipped and counted under {@code DROP},
 * closed with 1008 under {@code CLOSE}.
 *
 * <p>Before anything reaches the server's outbound buffer, the kernel's send buffer of the stalled
 * connection absorbs what it can, and Linux grows it up to {@code net.ipv4.tcp_wmem}'s maximum (4
 * MiB by default; 2000 messages of 1 KiB fit in it). So the test sends at least twice that much.
 *
 * <p>The test broadcasts in batches of 50 (about 51 KB, below the high water mark) and waits until
 * the normal clients have the batch before the next one, so that a normal client can never be above
 * its high water mark: any message it misses is a bug, not a race. One I/O thread makes {@link
 * WebSocketServer#after} a barrier behind every broadcast task.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowConsumerFanOutTest {
  private static final long KERNEL_SEND_BUFFER_MAX = kernelSendBufferMax();
  private static final int MESSAGES = messageCount();
  private static final int MESSAGE_SIZE = 1024;
  private static final int BATCH = 50;
  private static final int NORMAL_CLIENTS = 3;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Map<Long, String> roles = new ConcurrentHashMap<>();
  private final List<CloseEvent> closes = new CopyOnWriteArrayList<>();
  private final List<JdkWebSocketClient> normalClients = new ArrayList<>();
  private WebSocketServer server;
  private FrameSocket stalled;
  private HttpClient http;

  @AfterEach
  void tearDown() throws IOException {
    for (JdkWebSocketClient c : normalClients) {
      c.socket().abort();
    }
    if (stalled != null) {
      stalled.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void dropPolicySkipsTheStalledReaderAndDeliversEverythingToTheOthers() throws Exception {
    startServer(SlowConsumerPolicy.DROP);
    long stalledId = connectAll();

    broadcastAllInBatches();

    long drops = server.stats().slowConsumerDrops();
    assertNormalClientsGotEverything();
    assertThat(drops).as("messages skipped for the stalled reader").isPositive();
    assertThat(server.stats().slowConsumerCloses()).isZero();
    assertThat(server.exists(stalledId)).as("the stalled reader stays connected").isTrue();

    // Now the stalled reader catches up: what it got is a subsequence of the broadcasts, each
    // message intact, in order, and together with the drops it accounts for every broadcast.
    List<String> got = drainStalledUntilEnd(stalledId);
    int previous = -1;
    for (String m : got) {
      int seq = Integer.parseInt(m.substring(0, 6));
      assertThat(seq).as("order of the stalled reader's messages").isGreaterThan(previous);
      assertThat(m).isEqualTo(message(seq));
      previous = seq;
    }
    assertThat(got.size() + drops).isEqualTo(MESSAGES);
    // All that was queued for it fits in the kernel's buffers (the server's send buffer, the
    // reader's receive buffer) plus the slow-consumer bound: the server's memory for a slow reader
    // is bounded, however much is broadcast.
    long bound =
        KERNEL_SEND_BUFFER_MAX
            + stalled.socket().getReceiveBufferSize()
            + server.settings().slowConsumerMaxPending()
            + MESSAGE_SIZE;
    assertThat((long) got.size() * (MESSAGE_SIZE + 4)).isLessThanOrEqualTo(bound);
    System.out.printf(
        "DROP: %d broadcasts, %d dropped for the stalled reader, %d delivered to it later%n",
        MESSAGES, drops, got.size());
  }

  @Test
  void closePolicyClosesTheStalledReaderWith1008AndDeliversEverythingToTheOthers()
      throws Exception {
    startServer(SlowConsumerPolicy.CLOSE);
    long stalledId = connectAll();

    broadcastAllInBatches();

    await("the stalled reader to be found slow")
        .atMost(WAIT)
        .until(() -> server.stats().slowConsumerCloses() == 1);
    // The reader is told, once it reads again: what was queued before the close, in order, then a
    // close frame with 1008. It reads at once: a reader that does not read for twice the
    // slow-consumer timeout after its close began is cut off without the close frame.
    assertThat(readUntilCloseFrame(stalled)).isEqualTo("1008 slow consumer");
    assertNormalClientsGotEverything();
    assertThat(server.stats().slowConsumerDrops()).isZero();
    assertTcpClosed(stalled.socket());
    await("the stalled reader's close event").atMost(WAIT).until(() -> !closes.isEmpty());
    assertThat(closes)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.connectionId()).isEqualTo(stalledId);
              assertThat(e.code()).isEqualTo(1008);
              assertThat(e.byServer()).isTrue();
            });
    assertThat(server.exists(stalledId)).isFalse();
    assertThat(server.connectionCount()).isEqualTo(NORMAL_CLIENTS);
  }

  // ---- set-up ----

  private void startServer(SlowConsumerPolicy policy) {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .writeBufferWaterMarks(16 * 1024, 64 * 1024)
                .slowConsumerMaxPending(128 * 1024)
                // The stalled reader is found slow by max-pending, at once. The timeout sets how
                // long it may take, once closed, to read what was queued and the close frame
                // (twice the timeout): on a busy machine the test reads it only after the
                // broadcast, which may take longer than the default's 6 s.
                .slowConsumerTimeout(Duration.ofSeconds(60))
                .slowConsumerPolicy(policy)
                .pingInterval(Duration.ZERO)
                .idleTimeout(Duration.ZERO)
                .build());
    server.onOpen(
        (srv, conn) -> {
          String role = conn.header("x-role");
          roles.put(conn.connectionId(), role == null ? "normal" : role);
        });
    server.onClose((srv, event) -> closes.add(event));
    server.start();
    http = HttpClient.newHttpClient();
  }

  /** Connects the normal clients and the stalled reader; returns the stalled reader's id. */
  private long connectAll() throws Exception {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
    for (int i = 0; i < NORMAL_CLIENTS; i++) {
      normalClients.add(JdkWebSocketClient.to(uri.toString()).httpClient(http).connect());
    }
    // A small receive buffer, set before connecting, so that the window stays small.
    stalled = FrameSocket.open(server.port(), "/", "X-Role: stalled\r\n", 4096);
    stalled.socket().setSoTimeout(10_000);
    await("all connections open").atMost(WAIT).until(() -> roles.size() == NORMAL_CLIENTS + 1);
    return roles.entrySet().stream()
        .filter(e -> e.getValue().equals("stalled"))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  // ---- the broadcast ----

  /** Linux's limit for a socket's automatically grown send buffer ({@code tcp_wmem} max). */
  private static long kernelSendBufferMax() {
    try {
      // "min default max"; Files.readString() would trust the size /proc reports and cut it short.
      String[] wmem =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
      return Long.parseLong(wmem[wmem.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 4L * 1024 * 1024; // not Linux, or not readable: the Linux default
    }
  }

  /** 2000, or enough 1 KiB messages to overflow twice the largest kernel send buffer. */
  private static int messageCount() {
    long needed = 2 * (KERNEL_SEND_BUFFER_MAX + 2 * 64 * 1024) / MESSAGE_SIZE;
    return (int) Math.max(2000, (needed + BATCH - 1) / BATCH * BATCH);
  }

  static String message(int seq) {
    StringBuilder b = new StringBuilder(MESSAGE_SIZE);
    b.append(String.format("%06d:", seq));
    while (b.length() < MESSAGE_SIZE) {
      b.append((char) ('a' + (seq + b.length()) % 26));
    }
    return b.toString();
  }

  private void broadcastAllInBatches() throws InterruptedException {
    for (int start = 0; start < MESSAGES; start += BATCH) {
      for (int seq = start; seq < start + BATCH; seq++) {
        server.broadcast(message(seq));
      }
      int expected = start + BATCH;
      await("normal clients to receive message " + (expected - 1))
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> normalClients.stream().allMatch(c -> c.receivedCount() >= expected));
    }
    // Every broadcast task has run once a task queued behind them on the only loop has.
    CountDownLatch barrier = new CountDownLatch(1);
    server.after(Duration.ZERO, barrier::countDown);
    assertThat(barrier.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  private void assertNormalClientsGotEverything() {
    List<String> expected = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      expected.add(message(i));
    }
    for (JdkWebSocketClient c : normalClients) {
      assertThat(c.error()).isNull();
      assertThat(c.receivedTexts()).hasSize(MESSAGES);
      assertThat(c.receivedTexts()).as("messages of a normal client, in order").isEqualTo(expected);
    }
  }

  // ---- the stalled reader ----

  /**
   * Reads the stalled socket's frames while sending "END" to it alone until an END arrives (one
   * sent while it is still above the water mark is dropped too); returns the messages before it.
   */
  private List<String> drainStalledUntilEnd(long stalledId) throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> end = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (true) {
                  FrameSocket.Frame f = stalled.readFrame();
                  if (!f.isText()) {
                    throw new IOException("expected a final text frame: " + f.firstByte());
                  }
                  String text = f.text();
                  if (text.equals("END")) {
                    end.complete(null);
                    return;
                  }
                  got.add(text);
                }
              } catch (IOException | RuntimeException e) {
                end.completeExceptionally(e);
              }
            },
            "stalled-reader-drain");
    reader.setDaemon(true);
    reader.start();
    await("an END that was not dropped")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              server.broadcast(List.of(stalledId), "END");
              return end.isDone();
            });
    end.get(1, TimeUnit.SECONDS);
    return new ArrayList<>(got);
  }

  /**
   * Reads the stalled socket's text frames (in order, each intact) up to the close frame; returns
   * its code and reason.
   */
  private static String readUntilCloseFrame(FrameSocket socket) throws IOException {
    int previous = -1;
    while (true) {
      FrameSocket.Frame f = socket.readFrame();
      if (f.isClose()) {
        return f.closeCodeAndReason();
      }
      assertThat(f.isText()).as("a final text frame").isTrue();
      String text = f.text();
      int seq = Integer.parseInt(text.substring(0, 6));
      assertThat(seq).as("order of the stalled reader's messages").isGreaterThan(previous);
      assertThat(text).isEqualTo(message(seq));
      previous = seq;
    }
  }

  /** Reads whatever the server had queued and then expects end of stream (or a reset). */
  private static void assertTcpClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[64 * 1024];
    try {
      while (in.read(buf) >= 0) {
        // discard what was in flight before the close
      }
    } catch (SocketException e) {
      assertThat(e.getMessage()).as("a reset also means closed").containsIgnoringCase("reset");
    } catch (SocketTimeoutException e) {
      fail("the server did not close the stalled connection's TCP within 10 s");
    }
  }
}
