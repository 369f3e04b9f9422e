package dev.pushwire.redis;

import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.testing.V1TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis Cluster master that holds a channel is killed (SIGKILL) while node A publishes 100
 * times a second to subscribers on nodes A and B (two each) (issue 17). The cluster promotes the
 * master's replica by itself (no {@code CLUSTER FAILOVER}); publishing resumes by itself once the
 * nodes follow the slots to it, and every accepted publication is accounted for at each {@code
 * pushwire.v1} subscriber: handled once and in order, or covered by a signal (a lost range, the end
 * of an epoch).
 *
 * <p>Prints one line starting with {@code cluster failover:} with the counts and the time until
 * publishing resumed.
 */
class ClusterFailoverDeliveryTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup(true);

  private static final int RATE = 100;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void afterTheChannelsMasterIsKilledPublishingResumesAndNoAcceptedPublicationIsLostSilently()
      throws Exception {
    cluster.flushAll();
    // The replica follows the first master: a channel there moves to it.
    RedisServerProcess master = cluster.masters().get(0);
    String channel = cluster.channelOn(master);
    String topic = "pushwire:ch:{" + channel + "}";
    HubNode a = HubNode.start("a", cluster.uri(), 1000, resources);
    HubNode b = HubNode.start("b", cluster.uri(), 1000, resources);
    List<V1TestClient> clients = new ArrayList<>();
    for (HubNode n : List.of(a, b)) {
      clients.add(n.client(channel, resources));
      clients.add(n.client(channel, resources));
    }
    await().atMost(DEADLINE).until(() -> clients.stream().allMatch(V1TestClient::subscribed));
    await("both nodes subscribed on the channel's master")
        .atMost(DEADLINE)
        .until(() -> RedisClusterGroup.shardSubscribers(master, topic) == 2);

    TickPublisher ticks = TickPublisher.start(a.hub(), channel, RATE);
    resources.add(ticks);
    ticks.awaitAccepted(RATE, DEADLINE);
    master.kill();
    long killedAt = System.nanoTime(); // it has exited: nothing is accepted until a promotion
    int acceptedBeforeKill = ticks.acceptedCount();
    RedisServerProcess promoted = cluster.awaitReplicaPromoted(DEADLINE);
    long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    long resumedMillis = ticks.awaitResumedMillis(killedAt, DEADLINE);
    ticks.awaitAccepted(3 * RATE, DEADLINE);
    ticks.stop();
    await("both nodes subscribed on the promoted replica")
        .atMost(DEADLINE)
        .ignoreExceptions()
        .until(() -> RedisClusterGroup.shardSubscribers(promoted, topic) == 2);
    ticks.awaitAllAtLast(clients, DEADLINE);

    TickPublisher.PerClient perClient = ticks.perClient(clients);
    System.out.printf(
        "cluster failover: accepted %d (%d before the kill), rejected %d,"
            + " replica promoted after %.1f s, resumed after %.1f s, epochs %d;"
            + " per client (a1 a2 b1 b2): %s%n",
        ticks.acceptedCount(),
        acceptedBeforeKill,
        ticks.rejected(),
        promotedMillis / 1000.0,
        resumedMillis / 1000.0,
        ticks.epochs(),
        perClient.figures());

    perClient.assertAccountedFor();
  }
}
