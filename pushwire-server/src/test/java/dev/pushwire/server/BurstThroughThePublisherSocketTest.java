package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.core.testing.FrameSocket;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The burst of issue 12, item 1, as an outsider runs it: a publisher on {@code
 * /publish?channel=burst} sends 20,000 messages of 4 KiB as fast as it can, and three subscribers
 * read as fast as they can, each its own way: Node's {@code ws} in another process, the JDK's
 * WebSocket client, and a raw socket in its own thread. Under either slow-consumer policy every
 * subscriber gets every message, once and in order, and no connection is dropped or closed.
 */
class BurstThroughThePublisherSocketTest {
  private static final int MESSAGES = 20_000;
  private static final int SIZE = 4096;
  private static final Duration DEADLINE = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private PushwireNode node;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest
  @EnumSource(SlowConsumerPolicy.class)
  void everySubscriberGetsEveryMessageOfAFullSpeedBurst(SlowConsumerPolicy policy)
      throws Exception {
    node =
        TestNodes.start(
            TestNodes.config()
                .nodeId("burst")
                .compression(false)
                .slowConsumerPolicy(policy)
                .maxMessageSize(64 * 1024)
                .build());
    String subscribe = "ws://127.0.0.1:" + node.port() + "/?channel=burst";
    NodeReader nodeReader = new NodeReader(subscribe);
    JdkReader jdk = new JdkReader();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(subscribe), jdk)
            .get(20, TimeUnit.SECONDS);
    resources.add(ws::abort);
    RawReader raw = new RawReader(connect("/?channel=burst", ""));
    TestNodes.awaitSubscribers(node, "burst", 3);

    FrameSocket publisher =
        connect("/publish?channel=burst", "X-API-Key: " + TestNodes.KEY + "\r\n");
    long t0 = System.nanoTime();
    sendBurst(publisher);

    JsonNode fromNode = nodeReader.result();
    await().atMost(DEADLINE).until(() -> jdk.done() && raw.done());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(fromNode.get("how").asText()).isEqualTo("complete");
    assertThat(fromNode.get("received").asInt()).isEqualTo(MESSAGES);
    assertThat(fromNode.get("lost").asInt()).isZero();
    assertThat(fromNode.get("duplicated").asInt()).isZero();
    jdk.assertEverything();
    raw.assertEverything();
    assertThat(node.server().stats().slowConsumerDrops()).isZero();
    assertThat(node.server().stats().slowConsumerCloses()).isZero();
    System.out.printf(
        "publisher socket burst, %s: %d x %d B in %d ms; node ws %s, jdk %d, raw %d%n",
        policy, MESSAGES, SIZE, millis, fromNode, jdk.received, raw.received);
  }

  /** Sends every message, masked as a client must, with no pause. */
  private static void sendBurst(FrameSocket publisher) throws IOException {
    for (int seq = 0; seq < MESSAGES; seq++) {
      publisher.queueText(message(seq));
    }
    publisher.flush();
  }

  static String message(int seq) {
    StringBuilder b = new StringBuilder(SIZE);
    b.append(String.format("%06d:", seq));
    while (b.length() < SIZE) {
      b.append((char) ('a' + (seq + b.length()) % 26));
    }
    return b.toString();
  }

  private FrameSocket connect(String target, String extraHeaders) throws IOException {
    FrameSocket s = FrameSocket.open(node.port(), target, extraHeaders, 0);
    resources.add(s);
    return s;
  }

  /** Counts in order: every message must be the next one. */
  private abstract static class Counter {
    int received;
    int next;
    String problem;

    synchronized void got(String text) {
      int seq = Integer.parseInt(text.substring(0, 6));
      if (seq != next || !text.equals(message(seq))) {
        problem = problem == null ? "expected " + next + ", got " + seq : problem;
      }
      next = seq + 1;
      received++;
    }

    synchronized void failed(String why) {
      if (problem == null) {
        problem = why;
      }
    }

    synchronized boolean done() {
      return received >= MESSAGES || problem != null;
    }

    synchronized void assertEverything() {
      assertThat(problem).isNull();
      assertThat(received).isEqualTo(MESSAGES);
    }
  }

  private static final class JdkReader extends Counter implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        got(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      failed("closed " + code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      failed(error.toString());
    }
  }

  private static final class RawReader extends Counter {
    RawReader(FrameSocket socket) {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!done()) {
                    FrameSocket.Frame f = socket.readFrame();
                    if (f.isText()) {
                      got(f.text());
                    } else if (f.isClose()) {
                      failed("closed by the server");
                    }
                  }
                } catch (IOException e) {
                  failed(e.toString());
                }
              },
              "raw-reader");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Node's ws in its own process: see src/test/resources/node/count-reader.js. */
  private final class NodeReader {
    private final Process process;
    private final CompletableFuture<JsonNode> result = new CompletableFuture<>();

    NodeReader(String url) throws Exception {
      Path script = resource("node/count-reader.js");
      ProcessBuilder pb =
          new ProcessBuilder("node", script.toString(), url, Integer.toString(MESSAGES));
      pb.environment().put("PUSHWIRE_TEST_TOOLS", testTools().toString());
      pb.redirectErrorStream(true);
      process = pb.start();
      resources.add(process::destroyForcibly);
      CompletableFuture<Void> open = new CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    JsonNode n;
                    try {
                      n = JSON.readTree(line);
                    } catch (IOException e) {
                      result.completeExceptionally(new IOException("node said: " + line));
                      continue;
                    }
                    if (n.has("open")) {
                      open.complete(null);
                    } else {
                      result.complete(n);
                    }
                  }
                  result.completeExceptionally(new EOFException("node exited"));
                  open.completeExceptionally(new EOFException("node exited"));
                } catch (IOException e) {
                  result.completeExceptionally(e);
                }
              },
              "node-reader-output");
      t.setDaemon(true);
      t.start();
      open.get(60, TimeUnit.SECONDS);
    }

    JsonNode result() throws Exception {
      return result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(BurstThroughThePublisherSocketTest.class.getResource("/" + name).toURI());
  }

  private static Path testTools() {
    String configured = System.getProperty("pushwire.testTools");
    return configured != null
        ? Path.of(configured)
        : Path.of("..", "target", "test-tools").toAbsolutePath().normalize();
  }
}
