package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.server.cli.PushwireCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code pushwire client --v1}, run in-process against a node: it subscribes through the SDK,
 * prints each publication as a JSON line, starts from {@code --since}, and reports delivery signals
 * on standard error.
 */
@Timeout(60)
class ClientV1CommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  /** A command running on a thread of its own, with what it printed so far. */
  private record Running(CompletableFuture<Run> result, StringWriter out, StringWriter err) {
    /** The run's end; on a timeout, the failure shows what the command printed until then. */
    Run get(long timeout, TimeUnit unit) throws Exception {
      try {
        return result.get(timeout, unit);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "the command did not end within "
                + timeout
                + " "
                + unit
                + "; stdout: ["
                + out
                + "] stderr: ["
                + err
                + "]",
            e);
      }
    }
  }

  private static Running run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Run> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                CommandLine cmd =
                    PushwireCommand.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
                cmd.setOut(new PrintWriter(out, true));
                cmd.setErr(new PrintWriter(err, true));
                int status = cmd.execute(args);
                result.complete(new Run(status, out.toString(), err.toString()));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "pushwire-client-command");
    thread.setDaemon(true);
    thread.start();
    return new Running(result, out, err);
  }

  private static List<JsonNode> lines(String out) {
    return out.lines()
        .map(
            l -> {
              try {
                return JSON.readTree(l);
              } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l, e);
              }
            })
        .toList();
  }

  private static String epochOf(String channel) throws Exception {
    return node.hub()
        .history(channel, HistoryOptions.latest(0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .epoch();
  }

  @Test
  void printsEachPublicationAsAJsonLine() throws Exception {
    Running client =
        run("client", "--v1", TestNodes.ws(node, "/"), "--channel", "v1-lines", "--count", "2");
    // Counted subscribers include one whose start is not fixed yet: a publication racing with it
    // may fall before its start. The client's own line says where it starts.
    await("the client's subscription")
        .atMost(JdkWebSocketClient.WAIT)
        .until(() -> client.err().toString().contains("subscribed v1-lines at 0:"));
    node.hub().publishText("v1-lines", "first");
    node.hub().publish("v1-lines", "{\"price\":2.50}");

    Run r = client.get(30, TimeUnit.SECONDS);

    assertThat(r.status()).as(r.err()).isZero();
    List<JsonNode> pushes = lines(r.out());
    assertThat(pushes).hasSize(2);
    assertThat(pushes.get(0).get("channel").asText()).isEqualTo("v1-lines");
    assertThat(pushes.get(0).get("offset").asLong()).isEqualTo(1);
    assertThat(pushes.get(0).get("data").asText()).isEqualTo("first");
    assertThat(r.out()).contains("\"data\":{\"price\":2.50}");
    assertThat(r.err()).contains("connected to ws://127.0.0.1:", "subscribed v1-lines at 0:");
  }

  @Test
  void startsAfterTheSincePosition() throws Exception {
    for (int i = 1; i <= 5; i++) {
      node.hub().publishText("v1-since", "m" + i).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    String epoch = epochOf("v1-since");

    Run r =
        run(
                "client",
                "--v1",
                TestNodes.ws(node, "/"),
                "--channel",
                "v1-since",
                "--since",
                "2:" + epoch,
                "--count",
                "3")
            .get(30, TimeUnit.SECONDS);

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(lines(r.out()))
        .extracting(l -> l.get("offset").asLong())
        .containsExactly(3L, 4L, 5L);
    assertThat(r.err()).contains("subscribed v1-since at 5:" + epoch + " (recovered: true)");
  }

  @Test
  void reportsAnEndedEpochOnStandardErrorAndPrintsTheNewOneFromItsStart() throws Exception {
    node.hub().publishText("v1-lost", "m1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    Running client =
        run(
            "client",
            "--v1",
            TestNodes.ws(node, "/"),
            "--channel",
            "v1-lost",
            "--since",
            "7:an-ended-epoch",
            "--count",
            "2");
    TestNodes.awaitSubscribers(node, "v1-lost", 1);
    node.hub().publishText("v1-lost", "m2");

    Run r = client.get(30, TimeUnit.SECONDS);

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "lost v1-lost: the epoch changed (the channel's history was lost);"
                + " what followed 7:an-ended-epoch is unknown; carrying on from 0:");
    assertThat(lines(r.out())).extracting(l -> l.get("data").asText()).containsExactly("m1", "m2");
  }

  @Test
  void aRefusedChannelEndsWithStatus1() throws Exception {
    Run r =
        run("client", "--v1", TestNodes.ws(node, "/"), "--channel", "bad channel")
            .get(30, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("error: bad channel: bad_channel").doesNotContain("\tat ");
  }

  @Test
  void v1OptionsThatDoNotFitAreUsageErrors() throws Exception {
    Run noChannel = run("client", "--v1", TestNodes.ws(node, "/")).get(30, TimeUnit.SECONDS);
    Run noV1 = run("client", TestNodes.ws(node, "/"), "--channel", "x").get(30, TimeUnit.SECONDS);
    Run badSince =
        run("client", "--v1", TestNodes.ws(node, "/"), "--channel", "x", "--since", "nope")
            .get(30, TimeUnit.SECONDS);

    assertThat(noChannel.status()).isEqualTo(2);
    assertThat(noChannel.err()).contains("--v1 needs --channel NAME");
    assertThat(noV1.status()).isEqualTo(2);
    assertThat(noV1.err()).contains("--channel needs --v1");
    assertThat(badSince.status()).isEqualTo(2);
    assertThat(badSince.err()).contains("--since: bad value 'nope'");
  }
}
