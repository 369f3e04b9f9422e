package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code pushwire serve} process stopped by a signal while a publisher publishes through the HTTP
 * API without pause: every publication the API acknowledged before SIGTERM reaches every client, in
 * order, before its close code 1001; the node leaves the registry, removes its pid file and exits
 * 0. SIGINT does the same; a second signal ends a drain that waits on a client at once.
 */
@Timeout(300)
class GracefulDrainOnSignalTest {
  private static final Duration WAIT = JdkWebSocketClient.WAIT;

  @TempDir Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** A foreground {@code serve} process, logging to a file, with a pid file. */
  private final class Node implements AutoCloseable {
    final Process process;
    final Path log;
    int port;

    Node(String nodeId, String... more) throws Exception {
      this(ProgramRun.DEFAULT_SIGNALS, nodeId, more);
    }

    /** A node started by {@code signals} (such as {@code env --ignore-signal=INT}). */
    Node(List<String> signals, String nodeId, String... more) throws Exception {
      log = dir.resolve(nodeId + ".log");
      List<String> args = new ArrayList<>(NodeProcess.serveArgs(nodeId));
      args.addAll(List.of("--pid-file", pidFile().toString()));
      args.addAll(List.of(more));
      process = ProgramRun.spawn(signals, dir, log, args.toArray(String[]::new));
      resources.add(this);
      await("listening")
          .atMost(Duration.ofSeconds(120))
          .until(() -> Files.exists(pidFile()) || !process.isAlive());
      assertThat(Files.exists(pidFile())).as("listening; log: %s", logText()).isTrue();
      String url = Files.readAllLines(pidFile()).get(1);
      port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    String ws(String pathAndQuery) {
      return "ws://127.0.0.1:" + port + pathAndQuery;
    }

    HttpResponse<String> api(String method, String path, String body) throws Exception {
      java.net.http.HttpRequest r =
          java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(WAIT)
              .header("X-API-Key", TestNodes.KEY)
              .method(
                  method,
                  body == null
                      ? java.net.http.HttpRequest.BodyPublishers.noBody()
                      : java.net.http.HttpRequest.BodyPublishers.ofString(body))
              .build();
      return JdkWebSocketClient.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code signal} (TERM, INT) to the process. */
    void signal(String signal) throws Exception {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      assertThat(kill.waitFor()).isZero();
    }

    /** The exit status, waiting up to 60 s. */
    int exitStatus() throws Exception {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; log: %s", logText()).isTrue();
      return process.exitValue();
    }

    String logText() {
      try {
        return Files.readString(log);
      } catch (java.io.IOException e) {
        return "(" + e + ")";
      }
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private Path pidFile() {
    return dir.resolve("node.pid");
  }

  private List<JdkWebSocketClient> clients(Node node, String channel, int n) throws Exception {
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JdkWebSocketClient c = JdkWebSocketClient.connect(node.ws("/?channel=" + channel));
      resources.add(c);
      clients.add(c);
    }
    await(String.format("%d subscribers on %s", n, channel))
        .atMost(WAIT)
        .until(
            () -> {
              try {
                return node.api("GET", "/api/channels", null)
                    .body()
                    .contains("{\"channel\":\"" + channel + "\",\"subscribers\":" + n + "}");
              } catch (Exception e) {
                return false;
              }
            });
    return clients;
  }

  @Test
  void sigtermDeliversEveryAcknowledgedPublicationThenClosesWith1001AndExitsZero()
      throws Exception {
    Node node = new Node("drain1");
    List<JdkWebSocketClient> clients = clients(node, "feed", 3);
    List<Integer> acknowledged = new CopyOnWriteArrayList<>();
    AtomicBoolean publishing = new AtomicBoolean(true);
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 0; publishing.get() && i < 100_000; i++) {
                try {
                  HttpResponse<String> r =
                      node.api(
                          "POST", "/api/publish", "{\"channel\":\"feed\",\"data\":\"" + i + "\"}");
                  if (r.statusCode() != 200) {
                    return;
                  }
                  acknowledged.add(i);
                } catch (Exception e) {
                  return; // the node stopped accepting
                }
              }
            },
            "publisher");
    publisher.start();
    await().atMost(WAIT).until(() -> acknowledged.size() >= 100);

    List<Integer> beforeSignal = List.copyOf(acknowledged);
    long started = System.nanoTime();
    node.signal("TERM");
    int status = node.exitStatus();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    publishing.set(false);
    publisher.join(WAIT.toMillis());

    assertThat(status).as("exit status after SIGTERM; log: %s", node.logText()).isZero();
    assertThat(tookMs).as("within the default drain-timeout of 10 s").isLessThan(10_000);
    for (JdkWebSocketClient c : clients) {
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(1001);
      List<Integer> received = c.drainTexts().stream().map(Integer::valueOf).toList();
      assertThat(received).as("in order, no duplicates").isSorted().doesNotHaveDuplicates();
      assertThat(received).containsAll(beforeSignal);
    }
    assertThat(pidFile()).doesNotExist();
    assertThat(node.logText())
        .as("the banner shows how to publish to this node from a shell")
        .contains(
            "from a shell: pushwire publish --url http://127.0.0.1:"
                + node.port
                + " --channel NAME --data TEXT   (or export PUSHWIRE_URL=http://127.0.0.1:"
                + node.port
                + ")");
    assertThat(node.logText())
        .contains("signals: SIGTERM and SIGINT drain the node")
        .contains("received SIGTERM: draining")
        .contains("node drain1: removed its connection records from the registry");
    System.out.println(
        "DRAIN FIGURES: "
            + beforeSignal.size()
            + " publications acknowledged before SIGTERM, "
            + acknowledged.size()
            + " in all; each of 3 clients received them all, then 1001; exit 0 after "
            + tookMs
            + " ms");
  }

  /**
   * Starts {@code serve} with {@code args}, sends SIGTERM the moment its log shows {@code cue}, and
   * returns its log once it has exited 0.
   */
  private String sigtermAt(String name, List<String> args, String cue) throws Exception {
    Path log = dir.resolve(name + ".log");
    Process p = ProgramRun.spawn(dir, log, args.toArray(String[]::new));
    resources.add(p::destroyForcibly);
    await(cue)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> !p.isAlive() || Files.readString(log).contains(cue));
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    String text = Files.readString(log);
    assertThat(p.exitValue()).as("exit status; log: %s", text).isZero();
    return text;
  }

  @Test
  void aSigtermTheMomentTheNodeListensStillDrainsAndExitsZero() throws Exception {
    // The signal lands while the node is finishing its start (right after its port is bound): the
    // node must treat it as a stop request like any other, not die with the JVM's default.
    for (int round = 0; round < 3; round++) {
      String text =
          sigtermAt("early" + round, NodeProcess.serveArgs("early" + round), "listening on ws://");
      assertThat(text).contains("received SIGTERM").doesNotContain("Exception");
    }
  }

  @Test
  void aSigtermDuringTheWarmUpCutsItShortAndTheNodeStopsCleanly() throws Exception {
    // The largest warm-up there is takes far longer than this drain timeout on any machine: the
    // stop must end the warm-up rather than wait for it (and be forced out with status 1).
    List<String> args = new ArrayList<>(NodeProcess.serveArgs("warm"));
    args.set(args.indexOf("--warmup-connections") + 1, "20000");
    args.addAll(List.of("--drain-timeout", "5s", "--log-level", "debug"));

    assertThat(sigtermAt("warm", args, "warming up with 20000"))
        .contains("received SIGTERM")
        .contains("the warm-up was cut short by the stop request")
        .doesNotContain("did not finish within drain-timeout");
  }

  @Test
  void sigintDrainsTooAndExitsZero() throws Exception {
    Node node = new Node("drain2");
    List<JdkWebSocketClient> clients = clients(node, "feed", 2);
    assertThat(
            node.api("POST", "/api/publish", "{\"channel\":\"feed\",\"data\":\"last\"}")
                .statusCode())
        .isEqualTo(200);

    node.signal("INT");

    assertThat(node.exitStatus()).as("exit status after SIGINT").isZero();
    for (JdkWebSocketClient c : clients) {
      assertThat(c.next(WAIT)).isEqualTo("last");
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(1001);
    }
    assertThat(pidFile()).doesNotExist();
  }

  @Test
  void aSecondSignalEndsADrainThatWaitsOnAClientAtOnce() throws Exception {
    Node node = new Node("drain3", "--drain-timeout", "30s");
    // A client that never answers the server's close: the drain would wait for it until the end.
    JdkWebSocketClient stubborn =
        JdkWebSocketClient.to(node.ws("/?channel=feed")).neverAnswerClose().connect();
    resources.add(stubborn.socket()::abort);

    node.signal("TERM");
    assertThat(stubborn.awaitClose(WAIT).code()).isEqualTo(1001);
    assertThat(node.process.isAlive()).as("still draining, waiting for the close reply").isTrue();

    long started = System.nanoTime();
    node.signal("TERM");
    int status = node.exitStatus();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(status).as("a forced exit").isEqualTo(1);
    assertThat(tookMs).isLessThan(5_000);
    assertThat(pidFile()).doesNotExist();
    assertThat(node.logText()).contains("received SIGTERM again: exiting now");
  }

  @Test
  void aNodeStartedWithSigintIgnoredSaysSoAndDrainsOnSigterm() throws Exception {
    // What a shell script's `pushwire serve &` (or a supervisor) does to the node.
    Node node = new Node(List.of("env", "--default-signal=TERM", "--ignore-signal=INT"), "drain4");
    assertThat(node.logText())
        .contains("signals: SIGTERM drains the node")
        .contains("signals: SIGINT is ignored")
        .contains("stop it with SIGTERM (pushwire stop, kill PID)");
    JdkWebSocketClient client = clients(node, "feed", 1).get(0);

    node.signal("INT"); // discarded by the kernel: the process ignores it
    node.signal("TERM");

    assertThat(node.exitStatus()).as("exit status after SIGTERM").isZero();
    assertThat(client.awaitClose(WAIT).code()).isEqualTo(1001);
    assertThat(node.logText()).doesNotContain("received SIGINT").contains("received SIGTERM");
  }

  @Test
  void stopRefusesANodeThatIgnoresSigtermAndSaysHowToStopIt() throws Exception {
    Node node = new Node(List.of("env", "--default-signal=INT", "--ignore-signal=TERM"), "drain5");
    assertThat(node.logText())
        .contains("signals: SIGTERM is ignored")
        .contains("stop it with SIGINT (kill -INT PID)");

    ProgramRun stop =
        ProgramRun.run(dir, Duration.ofSeconds(120), "stop", "--pid-file", pidFile().toString());

    assertThat(stop.status()).as("%s", stop).isEqualTo(1);
    assertThat(stop.err()).contains("ignores SIGTERM").contains("kill -INT " + node.process.pid());
    assertThat(node.process.isAlive()).isTrue();
    node.signal("INT");
    assertThat(node.exitStatus()).as("exit status after SIGINT").isZero();
  }
}
