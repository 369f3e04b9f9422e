package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.cli.ServeCommand;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The classic push service, end to end through real sockets with the JDK's WebSocket client: three
 * plain clients on the channel {@code default} get each publication exactly once and in order,
 * whether it comes from a publisher socket sending once a second, from {@code POST /api/publish},
 * or from the {@code --tick} timer.
 */
@Timeout(120)
class ThreeClientsReceiveEveryPublicationTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private ScheduledExecutorService timer;

  @AfterEach
  void tearDown() throws Exception {
    if (timer != null) {
      timer.shutdownNow();
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private List<JdkWebSocketClient> threeClients(PushwireNode node) throws Exception {
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JdkWebSocketClient c = JdkWebSocketClient.connect(TestNodes.ws(node, "/"));
      resources.add(c);
      clients.add(c);
    }
    TestNodes.awaitSubscribers(node, "default", 3);
    return clients;
  }

  @Test
  void publisherSocketSendingOnceASecondForThreeSeconds() throws Exception {
    PushwireNode node = TestNodes.start(TestNodes.config().build());
    resources.add(node);
    List<JdkWebSocketClient> clients = threeClients(node);
    JdkWebSocketClient publisher =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/publish"), Map.of("X-API-Key", TestNodes.KEY));
    resources.add(publisher);

    timer = Executors.newSingleThreadScheduledExecutor();
    int[] n = {0};
    timer.scheduleAtFixedRate(
        () -> {
          if (n[0] < 3) {
            try {
              publisher.send("message " + ++n[0]);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        },
        0,
        1,
        TimeUnit.SECONDS);

    for (JdkWebSocketClient c : clients) {
      assertThat(c.take(3, WAIT)).containsExactly("message 1", "message 2", "message 3");
    }
    publishMarker(node);
    for (JdkWebSocketClient c : clients) {
      assertThat(c.next(WAIT))
          .as("nothing more, no duplicate, before the marker")
          .isEqualTo(MARKER);
    }
    assertThat(publisher.drainTexts())
        .as("the publisher gets no answer when all went well")
        .isEmpty();
  }

  @Test
  void publisherSocketBurstArrivesWholeAndInOrder() throws Exception {
    PushwireNode node = TestNodes.start(TestNodes.config().build());
    resources.add(node);
    List<JdkWebSocketClient> clients = threeClients(node);
    JdkWebSocketClient publisher =
        JdkWebSocketClient.connect(
            TestNodes.ws(node, "/publish?api_key=" + TestNodes.KEY), Map.of());
    resources.add(publisher);
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      sent.add("burst " + i);
      publisher.send("burst " + i);
    }
    for (JdkWebSocketClient c : clients) {
      assertThat(c.take(200, WAIT)).containsExactlyElementsOf(sent);
    }
  }

  @Test
  void httpPublishOnceASecondForThreeSeconds() throws Exception {
    PushwireNode node = TestNodes.start(TestNodes.config().build());
    resources.add(node);
    List<JdkWebSocketClient> clients = threeClients(node);

    List<Long> offsets = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      if (i > 1) {
        Thread.sleep(1000); // the scenario: one publication a second
      }
      HttpResponse<String> r =
          TestNodes.api(
              node,
              "POST",
              "/api/publish",
              "{\"channel\":\"default\",\"data\":\"message " + i + "\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("epoch").asText()).isNotEmpty();
      offsets.add(body.get("offset").asLong());
    }
    assertThat(offsets).containsExactly(1L, 2L, 3L);
    for (JdkWebSocketClient c : clients) {
      assertThat(c.take(3, WAIT)).containsExactly("message 1", "message 2", "message 3");
    }
    publishMarker(node);
    for (JdkWebSocketClient c : clients) {
      assertThat(c.next(WAIT))
          .as("nothing more, no duplicate, before the marker")
          .isEqualTo(MARKER);
    }
  }

  @Test
  void tickTimerPublishesOnceAPeriodWithNoClient() throws Exception {
    CommandLine cmd = PushwireCommand.commandLine(Map.of(), System.in);
    CommandLine.ParseResult parsed =
        cmd.parseArgs(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--api-key",
            "k",
            "--tick",
            "1s",
            "--warmup-connections",
            "0");
    ServeCommand serve = parsed.subcommand().commandSpec().commandLine().getCommand();
    PushwireNode node = TestNodes.start(serve.loadConfig());
    resources.add(node);
    List<JdkWebSocketClient> clients = threeClients(node);

    // Ticks may have fired before all three subscribed (on a busy machine, several before the
    // last one connected): drop those, then every client must see the same run of sequence
    // numbers, one apart, each once (a tick in flight while dropping may shift a run by one).
    for (JdkWebSocketClient c : clients) {
      c.drain();
    }
    List<List<Long>> seen = new ArrayList<>();
    for (JdkWebSocketClient c : clients) {
      List<Long> seqs = new ArrayList<>();
      for (String m : c.take(3, WAIT)) {
        JsonNode tick = JSON.readTree(m);
        assertThat(tick.get("time").asText()).endsWith("Z");
        seqs.add(tick.get("seq").asLong());
      }
      assertThat(seqs).hasSize(3);
      for (int i = 1; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
      }
      seen.add(seqs);
    }
    long latestFirst = seen.stream().mapToLong(s -> s.get(0)).max().orElseThrow();
    for (List<Long> seqs : seen) {
      assertThat(seqs).contains(latestFirst);
    }
  }

  private static final String MARKER = "marker";

  /**
   * Publishes {@link #MARKER} after everything else: a channel's subscribers receive in order, so a
   * duplicate or an extra message would arrive before it.
   */
  private static void publishMarker(PushwireNode node) throws Exception {
    assertThat(
            TestNodes.api(
                    node,
                    "POST",
                    "/api/publish",
                    "{\"channel\":\"default\",\"data\":\"" + MARKER + "\"}")
                .statusCode())
        .isEqualTo(200);
  }
}
