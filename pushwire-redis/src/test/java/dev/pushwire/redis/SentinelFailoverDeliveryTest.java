package dev.pushwire.redis;

import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.testing.V1TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis master is killed (SIGKILL) while node P publishes 100 times a second to subscribers on
 * nodes A and B (two each), all reaching Redis through Sentinel (issue 17). Replication to the
 * replica is cut shortly before, so the promoted replica lacks the last accepted publications, as
 * asynchronous replication may leave it. Publishing resumes by itself once the replica is promoted,
 * and every accepted publication is accounted for at each {@code pushwire.v1} subscriber: handled
 * once and in order, or covered by a signal (a lost range, the end of an epoch). The stream on the
 * promoted replica is behind what subscribers saw: the broker starts a new epoch and they are told,
 * never left to take new publications for old ones they already had.
 *
 * <p>Prints one line starting with {@code FAILOVER:} with the counts and the time until publishing
 * resumed.
 */
class SentinelFailoverDeliveryTest {
  @RegisterExtension static final RedisSentinelGroup group = new RedisSentinelGroup();

  private static final String CHANNEL = "ticks";
  private static final int RATE = 100;
  private static final Duration DEADLINE = Duration.ofSeconds(40);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void afterTheMasterIsKilledPublishingResumesAndNoAcceptedPublicationIsLostSilently()
      throws Exception {
    group.flushAll();
    HubNode a = node("a");
    HubNode b = node("b");
    List<V1TestClient> clients = new ArrayList<>();
    for (HubNode n : List.of(a, b)) {
      clients.add(n.client(CHANNEL, resources));
      clients.add(n.client(CHANNEL, resources));
    }
    await().atMost(DEADLINE).until(() -> clients.stream().allMatch(V1TestClient::subscribed));
    await().atMost(DEADLINE).until(() -> a.hub().subscribers(CHANNEL).size() == 2);
    await().atMost(DEADLINE).until(() -> b.hub().subscribers(CHANNEL).size() == 2);

    // The publishing node has no subscriber: it cannot know which offsets the others saw, so the
    // broker must tell from Redis alone that the stream may have lost publications.
    HubNode publishing = node("p");
    TickPublisher ticks = TickPublisher.start(publishing.hub(), CHANNEL, RATE);
    resources.add(ticks);
    ticks.awaitAccepted(RATE, DEADLINE);
    // The replica stops following: what the master accepts from now on, the promoted replica
    // will not have, though subscribers got it live.
    group.cutReplication();
    int acceptedAtCut = ticks.acceptedCount();
    ticks.awaitAccepted(RATE / 3, DEADLINE);
    RedisServerProcess old = group.killMaster();
    long killedAt = System.nanoTime(); // it has exited: nothing is accepted until a promotion
    int acceptedBeforeKill = ticks.acceptedCount();
    group.awaitFailoverFrom(old, DEADLINE);
    long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    long resumedMillis = ticks.awaitResumedMillis(killedAt, DEADLINE);
    ticks.awaitAccepted(RATE, DEADLINE);
    ticks.stop();
    ticks.awaitAllAtLast(clients, DEADLINE);

    TickPublisher.PerClient perClient = ticks.perClient(clients);
    System.out.printf(
        "FAILOVER: accepted %d (%d before the kill, %d of them after replication was cut), rejected %d,"
            + " sentinels switched after %d ms,"
            + " publishing resumed after %d ms, epochs %d;"
            + " per subscriber (a1 a2 b1 b2): %s%n",
        ticks.acceptedCount(),
        acceptedBeforeKill,
        acceptedBeforeKill - acceptedAtCut,
        ticks.rejected(),
        promotedMillis,
        resumedMillis,
        ticks.epochs(),
        perClient.figures());

    perClient.assertAccountedFor();
  }

  private HubNode node(String id) {
    return HubNode.start(id, group.uri(), 1000, resources);
  }
}
