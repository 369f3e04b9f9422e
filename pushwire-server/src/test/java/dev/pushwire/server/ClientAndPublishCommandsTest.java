package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.core.testing.OwnThread;
import dev.pushwire.server.cli.PushwireCommand;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code pushwire client} and {@code pushwire publish}, run in-process against a node, with JDK
 * WebSocket clients watching what arrives: periodic publishing on a timer over HTTP and over the
 * publisher socket, the periodic client, stdin lines, and {@code --count}.
 */
@Timeout(180)
class ClientAndPublishCommandsTest {
  private static final Duration WAIT = JdkWebSocketClient.WAIT;
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config().build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private record Run(int status, String out, String err) {}

  private static CompletableFuture<Run> run(InputStream stdin, String... args) {
    return runWith(Map.of(), stdin, args);
  }

  private static CompletableFuture<Run> runWith(
      Map<String, String> env, InputStream stdin, String... args) {
    return runWith(env, stdin, new StringWriter(), new StringWriter(), args);
  }

  /** Runs the command writing to {@code out} and {@code err}, which a test may read meanwhile. */
  private static CompletableFuture<Run> runWith(
      Map<String, String> env,
      InputStream stdin,
      StringWriter out,
      StringWriter err,
      String... args) {
    return CompletableFuture.supplyAsync(
        () -> {
          CommandLine cmd = PushwireCommand.commandLine(env, stdin);
          cmd.setOut(new PrintWriter(out));
          cmd.setErr(new PrintWriter(err));
          int status = cmd.execute(args);
          return new Run(status, out.toString(), err.toString());
        },
        OwnThread.named("pushwire-command"));
  }

  private static InputStream noInput() {
    return new ByteArrayInputStream(new byte[0]);
  }

  private static String url() {
    return "http://127.0.0.1:" + node.port();
  }

  @Test
  void publishOverHttpEveryIntervalCountTimes() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=p-http"))) {
      TestNodes.awaitSubscribers(node, "p-http", 1);
      Run r =
          run(
                  noInput(),
                  "publish",
                  "--url",
                  url(),
                  "--api-key",
                  TestNodes.KEY,
                  "--channel",
                  "p-http",
                  "--data",
                  "beat",
                  "--interval",
                  "100ms",
                  "--count",
                  "3")
              .get(20, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.out().lines()).hasSize(3).allMatch(l -> l.startsWith("{\"offset\":"));
      assertThat(sub.take(3, WAIT)).containsExactly("beat", "beat", "beat");
    }
  }

  @Test
  void publishJsonOverHttp() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=p-json"))) {
      TestNodes.awaitSubscribers(node, "p-json", 1);
      Run r =
          run(
                  noInput(),
                  "publish",
                  "--url",
                  url(),
                  "--api-key",
                  TestNodes.KEY,
                  "--channel",
                  "p-json",
                  "--json",
                  "--data",
                  "{\"a\": [1, 2.50]}")
              .get(20, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(sub.next(WAIT)).isEqualTo("{\"a\":[1,2.50]}");
    }
  }

  @Test
  void publishOverTheSocket() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=p-sock"))) {
      TestNodes.awaitSubscribers(node, "p-sock", 1);
      Run r =
          run(
                  noInput(),
                  "publish",
                  "--url",
                  url(),
                  "--api-key",
                  TestNodes.KEY,
                  "--channel",
                  "p-sock",
                  "--data",
                  "via socket",
                  "--socket",
                  "--interval",
                  "50ms",
                  "--count",
                  "2")
              .get(20, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.out().lines()).containsExactly("sent 1 to p-sock", "sent 2 to p-sock");
      assertThat(sub.take(2, WAIT)).containsExactly("via socket", "via socket");
    }
  }

  @Test
  void publishEachLineOfStandardInput() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=p-lines"))) {
      TestNodes.awaitSubscribers(node, "p-lines", 1);
      InputStream in = new ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
      Run r =
          run(in, "publish", "--url", url(), "--api-key", TestNodes.KEY, "--channel", "p-lines")
              .get(20, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(sub.take(2, WAIT)).containsExactly("one", "two");
    }
  }

  @Test
  void publishToANodeThatIsNotThereFailsWithStatus1() throws Exception {
    Run r =
        run(noInput(), "publish", "--url", "http://127.0.0.1:1", "--api-key", "k", "--data", "x")
            .get(20, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot reach http://127.0.0.1:1/api/publish: ");
  }

  @Test
  void clientPrintsWhatArrivesAndExitsAfterCount() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Run> client =
        runWith(
            Map.of(),
            noInput(),
            out,
            err,
            "client",
            TestNodes.ws(node, "/?channel=c-count"),
            "--count",
            "2");
    TestNodes.awaitSubscribers(node, "c-count", 1);
    var first = node.hub().publishText("c-count", "first").toCompletableFuture().get();
    var second = node.hub().publish("c-count", "{\"second\":true}").toCompletableFuture().get();
    Run r;
    try {
      r = client.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "the client did not end after 2 messages; published "
              + first
              + " and "
              + second
              + "; subscribers now "
              + node.hub().subscriberCount("c-count")
              + "; node stats "
              + node.server().stats()
              + "; the client printed so far: ["
              + out
              + "], on stderr: ["
              + err
              + "]",
          e);
    }
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .isEqualTo("first\n{\"second\":true}\n".replace("\n", System.lineSeparator()));
    // The "connected" line and the close line are written by different threads: order is free.
    assertThat(r.err()).contains("connected to ws://127.0.0.1:");
  }

  @Test
  void clientWithAnUnreadableCaFileFailsWithOneLine() throws Exception {
    Run r =
        run(noInput(), "client", "wss://127.0.0.1:1/", "--ca-file", "/nonexistent/ca.pem")
            .get(20, TimeUnit.SECONDS);
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).contains("/nonexistent/ca.pem").doesNotContain("\tat ");
  }

  @Test
  void periodicClientOnThePublisherSocketAndStdinLines() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=c-tick"))) {
      TestNodes.awaitSubscribers(node, "c-tick", 1);
      Set<Long> before = node.server().connections();
      PipedOutputStream typing = new PipedOutputStream();
      PipedInputStream stdin = new PipedInputStream(typing);
      CompletableFuture<Run> client =
          run(
              stdin,
              "client",
              TestNodes.ws(node, "/publish?channel=c-tick"),
              "-H",
              "X-API-Key: " + TestNodes.KEY,
              "--send",
              "tick",
              "--interval",
              "100ms");
      assertThat(sub.take(3, WAIT)).containsExactly("tick", "tick", "tick");
      typing.write("typed\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      await().atMost(WAIT).until(() -> sub.drainTexts().contains("typed"));

      long publisher =
          node.server().connections().stream()
              .filter(id -> !before.contains(id))
              .findFirst()
              .orElseThrow();
      node.server().disconnect(publisher, 1000, "enough");
      Run r = client.get(20, TimeUnit.SECONDS);
      assertThat(r.status()).isZero();
      assertThat(r.err()).contains("closed: 1000 enough (by the server)");
      typing.close();
    }
  }

  @Test
  void badHeaderIsAUsageError() throws Exception {
    Run r =
        run(noInput(), "client", TestNodes.ws(node, "/"), "-H", "no colon")
            .get(20, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "error: bad header 'no colon' (expected 'Name: value', for example 'X-API-Key:"
                + " KEY')");
  }

  @Test
  void publishTakesTheNodeFromPushwireUrlAndSaysWhenNobodyListens() throws Exception {
    Run r =
        runWith(
                Map.of("PUSHWIRE_URL", url(), "PUSHWIRE_API_KEY", TestNodes.KEY),
                noInput(),
                "publish",
                "--channel",
                "nobody-here",
                "--data",
                "hello")
            .get(60, TimeUnit.SECONDS);

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out().strip()).startsWith("{\"offset\":1,").endsWith(",\"localSubscribers\":0}");
    assertThat(r.err().strip())
        .isEqualTo(
            "note: no client of this node is subscribed to 'nobody-here' (it is kept in the"
                + " channel's history; subscribers on other nodes of a cluster still get it)");
  }

  @Test
  void publishCountsTheLocalSubscribersAndSaysNothingMore() throws Exception {
    try (JdkWebSocketClient sub =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=p-counted"))) {
      TestNodes.awaitSubscribers(node, "p-counted", 1);
      Run r =
          run(
                  noInput(),
                  "publish",
                  "--url",
                  url(),
                  "--api-key",
                  TestNodes.KEY,
                  "--channel",
                  "p-counted",
                  "--data",
                  "x")
              .get(60, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.out().strip()).endsWith(",\"localSubscribers\":1}");
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void clientRefusedByTheServerPrintsTheStatusAndTheServersReason() throws Exception {
    Run r =
        run(noInput(), "client", TestNodes.ws(node, "/?channel=bad%20name"))
            .get(60, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip())
        .startsWith(
            "error: cannot connect to "
                + TestNodes.ws(node, "/?channel=bad%20name")
                + ": the server refused the WebSocket upgrade: HTTP 400 Bad Request: bad_channel")
        .doesNotContain("Invalid handshake response")
        .hasLineCount(1);
  }

  @Test
  void publishOnTheSocketRefusedByTheServerPrintsTheServersReason() throws Exception {
    Run r =
        run(
                noInput(),
                "publish",
                "--socket",
                "--url",
                url(),
                "--api-key",
                "not-the-key",
                "--data",
                "x")
            .get(60, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains("the server refused the WebSocket upgrade: HTTP 401 Unauthorized: ")
        .doesNotContain("Invalid handshake response");
  }
}
