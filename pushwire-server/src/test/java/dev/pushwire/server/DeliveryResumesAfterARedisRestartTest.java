package dev.pushwire.server;

import static dev.pushwire.server.ClusterTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.core.testing.OwnThread;
import dev.pushwire.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one Redis, which is restarted while publications flow. Redis keeps no data here
 * ({@code --save ''}), so the channel starts a new epoch. While Redis is down, publishing answers
 * 503 with a message that names Redis, and {@code /readyz} (503) and {@code /api/stats} say the
 * broker is unavailable and why; once it is back, delivery resumes on every node, every accepted
 * publication reaches every client once and in order, and a client that comes back with a position
 * from the old epoch is told it cannot be recovered.
 */
@Timeout(120)
class DeliveryResumesAfterARedisRestartTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static List<NodeProcess> nodes;

  @BeforeAll
  static void startNodes() throws Exception {
    nodes =
        NodeProcess.startAll(
            List.of("r1", "r2", "r3"), "--broker", redis.uri(), "--registry", redis.uri());
    nodes.forEach(resources::add);
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /** One publish attempt of the stream. */
  private record Attempt(String data, int status, String body, long at) {}

  @Test
  void deliveryResumesOnceAfterRedisRestartsWithoutItsData() throws Exception {
    List<RecoveringSubscriber> v1 = new ArrayList<>();
    List<JdkWebSocketClient> plain = new ArrayList<>();
    for (NodeProcess n : nodes) {
      for (int i = 0; i < 2; i++) {
        RecoveringSubscriber c =
            RecoveringSubscriber.connect(n.nodeId() + "-v1-" + i, "ticks", List.of(n.ws("/")));
        resources.add(c);
        v1.add(c);
      }
      JdkWebSocketClient s = ClusterTests.plainSubscriber(n, "ticks");
      resources.add(s);
      plain.add(s);
    }
    RecoveringSubscriber away = v1.remove(v1.size() - 1); // leaves before the restart

    List<Attempt> attempts = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 1; !stop.get(); i++) {
                  NodeProcess at = nodes.get(i % nodes.size());
                  String data = "t-" + i;
                  HttpResponse<String> r = ClusterTests.publish(at, "ticks", data);
                  attempts.add(new Attempt(data, r.statusCode(), r.body(), System.nanoTime()));
                  Thread.sleep(5); // the scenario: a steady stream of publications
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            OwnThread.named("publisher"));
    awaitAccepted(attempts, 50);
    String oldEpoch = v1.get(0).pushes().get(0).epoch();
    away.pause();
    redis.stop();
    await("publishing fails while Redis is down")
        .atMost(WAIT)
        .until(() -> attempts.stream().anyMatch(a -> a.status() == 503));
    Attempt refused = attempts.stream().filter(a -> a.status() == 503).findFirst().orElseThrow();
    JsonNode error = ClusterTests.JSON.readTree(refused.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("unavailable");
    assertThat(error.get("message").asText())
        .contains("Redis at redis://127.0.0.1:" + redis.port());
    JsonNode broker = json(nodes.get(0).api("GET", "/api/stats", null)).at("/backends/broker");
    assertThat(broker.get("kind").asText()).isEqualTo("redis");
    assertThat(broker.get("available").asBoolean()).isFalse();
    assertThat(broker.get("lastError").asText()).isNotEmpty();
    String statsError = broker.get("lastError").asText();
    HttpResponse<String> notReady = nodes.get(1).get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(json(notReady).get("reason").asText())
        .startsWith("broker: Redis at redis://127.0.0.1:" + redis.port() + " is unavailable");

    redis.start();
    int acceptedAtRestart = accepted(attempts).size();
    awaitAccepted(attempts, acceptedAtRestart + 100);
    stop.set(true);
    publishing.get(30, TimeUnit.SECONDS);
    await("the broker is available again")
        .atMost(WAIT)
        .until(
            () -> {
              try {
                return json(nodes.get(0).api("GET", "/api/stats", null))
                    .at("/backends/broker/available")
                    .asBoolean();
              } catch (Exception e) {
                return false;
              }
            });

    // The client that was away comes back with a position in the old epoch.
    away.resume();
    await().atMost(WAIT).until(() -> away.replies().size() == 2);
    RecoveringSubscriber.Reply comeback = away.replies().get(1);
    assertThat(comeback.since().epoch()).isEqualTo(oldEpoch);
    assertThat(comeback.recovered()).as("history of the old epoch is gone").isFalse();
    assertThat(comeback.epoch()).isNotEqualTo(oldEpoch);
    for (int i = 1; i <= 10; i++) {
      NodeProcess at = nodes.get(i % nodes.size());
      HttpResponse<String> r = ClusterTests.publish(at, "ticks", "after-" + i);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      attempts.add(new Attempt("after-" + i, 200, r.body(), System.nanoTime()));
    }

    List<String> expected = accepted(attempts);
    Set<String> refusedData = new HashSet<>();
    attempts.stream().filter(a -> a.status() != 200).forEach(a -> refusedData.add(a.data()));
    Map<String, Integer> received = new TreeMap<>();
    int extras = 0;
    for (RecoveringSubscriber c : v1) {
      assertThat(c.awaitPushes(expected.size(), WAIT)).as("%s", c).isTrue();
    }
    // A window for a duplicate to show: there is nothing to wait for, so it is a sleep.
    Thread.sleep(300);
    for (RecoveringSubscriber c : v1) {
      List<String> got = c.pushes().stream().map(RecoveringSubscriber.Push::data).toList();
      received.put(c.name(), got.size());
      extras += checkOnceInOrder(c.name(), got, expected, refusedData);
      assertThat(c.reconnects()).as("%s kept its connection", c).isZero();
    }
    for (int i = 0; i < plain.size(); i++) {
      List<String> got = plain.get(i).take(expected.size(), WAIT);
      got.addAll(plain.get(i).drainTexts());
      String name = nodes.get(i).nodeId() + "-plain";
      received.put(name, got.size());
      extras += checkOnceInOrder(name, got, expected, refusedData);
    }
    List<String> awayGot = away.pushes().stream().map(RecoveringSubscriber.Push::data).toList();
    assertThat(awayGot).as("the client that was away").doesNotHaveDuplicates();
    assertThat(awayGot)
        .endsWith(expected.subList(expected.size() - 10, expected.size()).toArray(String[]::new));

    assertThat(attempts.stream().filter(a -> a.status() != 200))
        .as("while Redis was down, publishing answered 503 and nothing else")
        .allMatch(a -> a.status() == 503);
    int refusedCount = refusedData.size();
    long firstRefused = attempts.stream().filter(a -> a.status() != 200).findFirst().get().at();
    long lastRefused =
        attempts.stream().filter(a -> a.status() != 200).reduce((a, b) -> b).get().at();
    long refusingMs = TimeUnit.NANOSECONDS.toMillis(lastRefused - firstRefused);
    ClusterTests.figures(
        "Redis restarted under 3 nodes",
        "publish attempts="
            + attempts.size()
            + ", accepted="
            + expected.size()
            + " ("
            + acceptedAtRestart
            + " before the restart, "
            + (expected.size() - acceptedAtRestart)
            + " after it was started again, 10 of them after the away client came back),"
            + " refused with 503 while down="
            + refusedCount
            + " over "
            + refusingMs
            + " ms, received per client="
            + received
            + ", duplicates=0, unexpected extras="
            + extras
            + ", comeback from the old epoch: recovered="
            + comeback.recovered()
            + "; 503 message: "
            + error.get("message").asText()
            + "; stats lastError: "
            + statsError);
  }

  /**
   * Checks that {@code got} holds every accepted publication once, in order; returns how many
   * others it holds, which may only be refused ones (a request that failed after Redis ran it).
   */
  private static int checkOnceInOrder(
      String name, List<String> got, List<String> expected, Set<String> refused) {
    assertThat(got).as("%s: no duplicates", name).doesNotHaveDuplicates();
    List<String> acceptedOnly = got.stream().filter(d -> !refused.contains(d)).toList();
    assertThat(acceptedOnly).as("what %s received", name).containsExactlyElementsOf(expected);
    return got.size() - acceptedOnly.size();
  }

  private static List<String> accepted(List<Attempt> attempts) {
    return attempts.stream().filter(a -> a.status() == 200).map(Attempt::data).toList();
  }

  private static void awaitAccepted(List<Attempt> attempts, int n) throws InterruptedException {
    await(String.format("%d publications accepted; last attempts: %s", n, tail(attempts)))
        .atMost(WAIT)
        .until(() -> accepted(attempts).size() >= n);
  }

  private static List<Attempt> tail(List<Attempt> attempts) {
    List<Attempt> copy = new ArrayList<>(attempts);
    return copy.subList(Math.max(0, copy.size() - 3), copy.size());
  }
}
