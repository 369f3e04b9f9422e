package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.core.testing.OwnThread;
import dev.pushwire.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one Redis; one of them is killed with SIGKILL while publications flow. Its {@code
 * pushwire.v1} clients reconnect to the other nodes, subscribe with {@code since} = the last
 * position they saw, and recover from history every publication they missed: every client ends up
 * with every publication exactly once, in order. The dead node's registry records expire after the
 * registry TTL.
 */
@Timeout(120)
class KilledNodesClientsRecoverOnAnotherNodeTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final int PUBLICATIONS = 400;
  private static final int KILL_AFTER = 100;
  private static final int CLIENTS_PER_NODE = 3;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static List<NodeProcess> nodes;

  @BeforeAll
  static void startNodes() throws Exception {
    nodes =
        NodeProcess.startAll(
            List.of("k1", "k2", "k3"),
            "--broker",
            redis.uri(),
            "--registry",
            redis.uri(),
            "--registry-ttl",
            "3s",
            "--history-size",
            "1000");
    nodes.forEach(resources::add);
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /** Every push whose data came before, with its neighbours, to tell where a repeat came from. */
  private static List<String> repeated(List<RecoveringSubscriber.Push> pushes) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < pushes.size(); i++) {
      if (!seen.add(pushes.get(i).data())) {
        out.add(pushes.subList(Math.max(0, i - 3), Math.min(pushes.size(), i + 2)).toString());
      }
    }
    return out;
  }

  @Test
  void clientsOfAKilledNodeRecoverEveryPublicationOnAnotherNode() throws Exception {
    NodeProcess victim = nodes.get(2);
    List<NodeProcess> survivors = nodes.subList(0, 2);
    List<RecoveringSubscriber> clients = new ArrayList<>();
    for (int n = 0; n < nodes.size(); n++) {
      for (int i = 0; i < CLIENTS_PER_NODE; i++) {
        // Home node first, then the others (where it goes when its node is gone), in an order
        // that spreads the victim's clients over the survivors.
        NodeProcess home = nodes.get(n);
        List<NodeProcess> others = new ArrayList<>(nodes);
        others.remove(home);
        Collections.rotate(others, i);
        List<String> urls = new ArrayList<>(List.of(home.ws("/")));
        others.forEach(o -> urls.add(o.ws("/")));
        RecoveringSubscriber c =
            RecoveringSubscriber.connect(nodes.get(n).nodeId() + "-c" + i, "orders", urls);
        resources.add(c);
        clients.add(c);
      }
    }
    List<JdkWebSocketClient> plain = new ArrayList<>();
    for (NodeProcess n : survivors) {
      JdkWebSocketClient s = ClusterTests.plainSubscriber(n, "orders");
      resources.add(s);
      plain.add(s);
    }

    List<String> sent = new CopyOnWriteArrayList<>();
    CountDownLatch killNow = new CountDownLatch(1);
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 1; i <= PUBLICATIONS; i++) {
                  // Only on the survivors: a request to the victim could be lost with it.
                  NodeProcess at = survivors.get(i % survivors.size());
                  HttpResponse<String> r = ClusterTests.publish(at, "orders", "o-" + i);
                  if (r.statusCode() != 200) {
                    throw new AssertionError("publish " + i + " on " + at + ": " + r.body());
                  }
                  sent.add("o-" + i);
                  if (i == KILL_AFTER) {
                    killNow.countDown();
                  }
                  Thread.sleep(2); // the scenario: a steady stream of publications
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            OwnThread.named("publisher"));
    assertThat(killNow.await(30, TimeUnit.SECONDS)).isTrue();
    long killedAt = System.nanoTime();
    victim.kill();
    int sentAtKill = sent.size();
    publishing.get(60, TimeUnit.SECONDS);

    List<String> expected = new ArrayList<>(sent);
    assertThat(expected).hasSize(PUBLICATIONS);
    Map<String, Integer> received = new TreeMap<>();
    Map<String, Long> recovered = new TreeMap<>();
    for (RecoveringSubscriber c : clients) {
      assertThat(c.awaitPushes(PUBLICATIONS, WAIT)).as("%s", c).isTrue();
    }
    // A window for a duplicate to show: there is nothing to wait for, so it is a sleep.
    Thread.sleep(300);
    for (RecoveringSubscriber c : clients) {
      received.put(c.name(), c.pushes().size());
      assertThat(repeated(c.pushes())).as("pushes %s received twice: %s", c.name(), c).isEmpty();
      assertThat(c.pushes())
          .as("what %s received", c)
          .extracting(RecoveringSubscriber.Push::data)
          .containsExactlyElementsOf(expected);
      assertThat(c.pushes())
          .extracting(RecoveringSubscriber.Push::offset)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, PUBLICATIONS).boxed().toList());
      assertThat(c.pushes())
          .extracting(RecoveringSubscriber.Push::epoch)
          .containsOnly(c.pushes().get(0).epoch());
      if (c.name().startsWith(victim.nodeId())) {
        recovered.put(c.name(), c.recovered());
        assertThat(c.reconnects()).as("%s reconnected", c).isGreaterThanOrEqualTo(1);
        RecoveringSubscriber.Reply last = c.replies().get(c.replies().size() - 1);
        assertThat(last.since()).as("%s resubscribed with since", c).isNotNull();
        assertThat(last.recovered()).as("%s: %s", c, last).isTrue();
        assertThat(last.node()).isNotEqualTo(victim.ws("/"));
      } else {
        assertThat(c.reconnects()).as("%s stayed", c).isZero();
      }
    }
    for (int i = 0; i < plain.size(); i++) {
      List<String> got = plain.get(i).take(PUBLICATIONS, Duration.ofSeconds(10));
      got.addAll(plain.get(i).drainTexts());
      received.put(survivors.get(i).nodeId() + "-plain", got.size());
      assertThat(got).containsExactlyElementsOf(expected);
    }
    long totalRecovered = recovered.values().stream().mapToLong(Long::longValue).sum();
    assertThat(totalRecovered)
        .as("publications made while the victim's clients were away came from history")
        .isPositive();

    // The dead node never removed its records: they expire after the TTL (3 s).
    await(String.format("%s's records expired", victim))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                return ClusterTests.connectionIds(survivors.get(0)).stream()
                    .noneMatch(id -> id.startsWith(victim.nodeId() + ":"));
              } catch (Exception e) {
                return false;
              }
            });
    long expiredAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

    ClusterTests.figures(
        "SIGKILL one of 3 nodes on Redis",
        "publications sent="
            + PUBLICATIONS
            + " (SIGKILL after publication "
            + KILL_AFTER
            + ", "
            + sentAtKill
            + " accepted when the kill returned), received per client="
            + received
            + ", recovered from history after the kill per client of "
            + victim.nodeId()
            + "="
            + recovered
            + " (total "
            + totalRecovered
            + "), lost=0, duplicates=0, dead node's registry records gone "
            + expiredAfterMs
            + " ms after the kill (TTL 3 s)");
  }
}
