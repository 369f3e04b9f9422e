package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.memcached.MemcachedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two {@code pushwire serve} processes sharing one real Memcached as their connection registry (the
 * classic push service's design), with a 3-second registry TTL: either node lists the clients of
 * both; a node stopped with SIGTERM removes exactly its own records before it exits; a node killed
 * with SIGKILL leaves its records behind until they expire after the TTL, and never touches the
 * other node's.
 */
@Timeout(120)
class TwoNodesShareAMemcachedRegistryTest {
  @RegisterExtension static final MemcachedProcess memcached = new MemcachedProcess();

  private static final Duration WAIT = Duration.ofSeconds(15);
  // Long enough that the listing asked for right after a SIGKILL still has the dead node's
  // records on a busy machine (they may expire from TTL - TTL/3 - 1 s after it, Memcached counts
  // whole seconds).
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static final List<AutoCloseable> perTest = new ArrayList<>();
  private static NodeProcess first;
  private static List<String> firstIds;

  @BeforeAll
  static void startFirstNode() throws Exception {
    first = node("m1").awaitListening();
    resources.add(first);
    for (int i = 0; i < 3; i++) {
      resources.add(JdkWebSocketClient.connect(first.ws("/?channel=lobby")));
    }
    firstIds = awaitIds(first, "m1", 3);
  }

  @AfterEach
  void stopSecondNode() throws Exception {
    for (AutoCloseable r : perTest) {
      r.close();
    }
    perTest.clear();
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  @Test
  void eitherNodeListsTheClientsOfBoth() throws Exception {
    NodeProcess second = secondNodeWithTwoClients("m2");

    List<String> secondIds = awaitIds(first, "m2", 2);
    List<String> both = new ArrayList<>(firstIds);
    both.addAll(secondIds);

    assertThat(awaitListing(first, both)).containsExactlyInAnyOrderElementsOf(both);
    assertThat(awaitListing(second, both)).containsExactlyInAnyOrderElementsOf(both);
    ClusterTests.figures(
        "2 nodes, 1 Memcached: listing",
        "m1 lists "
            + ClusterTests.connectionIds(first)
            + ", m2 lists "
            + ClusterTests.connectionIds(second));
  }

  @Test
  void sigtermRemovesExactlyTheStoppedNodesRecords() throws Exception {
    NodeProcess second = secondNodeWithTwoClients("m3");
    List<String> both = new ArrayList<>(firstIds);
    both.addAll(awaitIds(first, "m3", 2));
    assertThat(awaitListing(first, both)).containsExactlyInAnyOrderElementsOf(both);

    long start = System.nanoTime();
    assertThat(second.terminate()).as("exit status after SIGTERM").isZero();
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // At once: a node that stops cleanly removes its records itself, before the TTL could.
    List<String> after = ClusterTests.connectionIds(first);
    assertThat(after).containsExactlyInAnyOrderElementsOf(firstIds);
    ClusterTests.figures(
        "2 nodes, 1 Memcached: SIGTERM",
        "before "
            + both.size()
            + " records "
            + both
            + "; m3 exited 0 after "
            + exitMs
            + " ms; right after: "
            + after
            + " (exactly m1's)");
  }

  @Test
  void sigkillLeavesTheRecordsUntilTheyExpireAfterTheTtl() throws Exception {
    NodeProcess second = secondNodeWithTwoClients("m4");
    List<String> secondIds = awaitIds(first, "m4", 2);
    List<String> both = new ArrayList<>(firstIds);
    both.addAll(secondIds);
    assertThat(awaitListing(first, both)).containsExactlyInAnyOrderElementsOf(both);

    second.kill();
    long killedAt = System.nanoTime();
    List<String> rightAfter = ClusterTests.connectionIds(first);
    assertThat(rightAfter).as("nobody removed the dead node's records").containsAll(secondIds);

    // When a listing that still had them was asked for: measured from the start of each ask, as
    // on a busy machine an ask itself (and the wait between asks) can take a while.
    long[] lastSeenAt = {killedAt};
    await("m4's records expired; m1's remain")
        .atMost(WAIT)
        .until(
            () -> {
              long asked = System.nanoTime();
              try {
                List<String> ids = ClusterTests.connectionIds(first);
                if (ids.equals(sorted(firstIds))) {
                  return true;
                }
                if (!Collections.disjoint(ids, secondIds)) {
                  lastSeenAt[0] = asked;
                }
                return false;
              } catch (Exception e) {
                return false;
              }
            });
    long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    long lastSeenAfterMs = TimeUnit.NANOSECONDS.toMillis(lastSeenAt[0] - killedAt);
    assertThat(Duration.ofMillis(lastSeenAfterMs))
        .as("gone within the TTL after the last refresh (a third of it before the kill at most)")
        .isLessThan(TTL.plus(TTL.dividedBy(3)).plusSeconds(1));
    ClusterTests.figures(
        "2 nodes, 1 Memcached: SIGKILL",
        "right after the kill m1 lists "
            + rightAfter.size()
            + " records (m4's still there); m4's 2 records expired "
            + goneAfterMs
            + " ms after the kill, last listed "
            + lastSeenAfterMs
            + " ms after it (TTL "
            + TTL.toSeconds()
            + " s); m1's 3 remain: "
            + ClusterTests.connectionIds(first));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static NodeProcess node(String id) throws Exception {
    return NodeProcess.launch(
        id, "--registry", memcached.uri(), "--registry-ttl", TTL.toSeconds() + "s");
  }

  private static NodeProcess secondNodeWithTwoClients(String id) throws Exception {
    NodeProcess second = node(id).awaitListening();
    perTest.add(second);
    for (int i = 0; i < 2; i++) {
      perTest.add(JdkWebSocketClient.connect(second.ws("/?channel=lobby")));
    }
    return second;
  }

  /** Waits until {@code asked} lists {@code n} records of node {@code nodeId}; returns them. */
  private static List<String> awaitIds(NodeProcess asked, String nodeId, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                ids.clear();
                ids.addAll(ClusterTests.connectionIds(asked, nodeId, "lobby"));
                return ids.size() == n;
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(ids).as("%s lists %d records of %s", asked, n, nodeId).hasSize(n);
    return List.copyOf(ids);
  }

  private static List<String> awaitListing(NodeProcess asked, List<String> expected)
      throws Exception {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                return ClusterTests.connectionIds(asked).equals(sorted(expected));
              } catch (Exception e) {
                return false;
              }
            });
    return ClusterTests.connectionIds(asked);
  }

  private static List<String> sorted(List<String> ids) {
    return ids.stream().sorted().toList();
  }
}
