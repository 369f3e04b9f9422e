package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The master that holds a channel is killed (SIGKILL) and its replica takes over its slots: the
 * nodes follow the cluster to the promoted replica by themselves, the subscribing node subscribes
 * on it (sharded pub/sub), and its {@code pushwire.v1} client is told that the stream started a new
 * epoch (the replica may have lacked the last publications) before it gets the new ones.
 */
class RedisClusterFailoverTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup(true);

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  void afterAFailoverDeliveryResumesOnThePromotedReplicaAndTheNewEpochIsSignalled()
      throws Exception {
    RedisServerProcess first = cluster.masters().get(0);
    String channel = cluster.channelOn(first);
    String topic = "pushwire:ch:{" + channel + "}";
    HubNode publisher = HubNode.start("p", cluster.uri(), 100, resources);
    HubNode subscriber = HubNode.start("s", cluster.uri(), 100, resources);
    URI uri = URI.create("ws://127.0.0.1:" + subscriber.server().port() + "/");
    V1TestClient client = new V1TestClient(() -> uri, channel);
    resources.add(client);
    await().atMost(DEADLINE).until(client::subscribed);
    await("the subscription on the channel's master")
        .atMost(DEADLINE)
        .until(() -> RedisClusterGroup.shardSubscribers(first, topic) == 1);
    PublishResult before = null;
    for (int i = 1; i <= 5; i++) {
      before = publish(publisher, channel, "old " + i);
    }
    String oldEpoch = before.position().epoch();
    await().atMost(DEADLINE).until(() -> client.lastOffset() == 5);

    RedisServerProcess promoted = cluster.failOverFirstMaster(DEADLINE);
    await("publishing works again")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> publish(publisher, channel, "probe") != null);
    await("the subscribing node subscribed on the promoted replica")
        .atMost(DEADLINE)
        .ignoreExceptions()
        .until(() -> RedisClusterGroup.shardSubscribers(promoted, topic) == 1);
    PublishResult last = null;
    for (int i = 1; i <= 5; i++) {
      last = publish(publisher, channel, "new " + i);
    }
    String newEpoch = last.position().epoch();
    long lastOffset = last.position().offset();
    assertThat(newEpoch).as("a stream written before the failover").isNotEqualTo(oldEpoch);

    await("the client has the new epoch's last publication")
        .atMost(DEADLINE)
        .until(() -> newEpoch.equals(client.lastEpoch()) && client.lastOffset() == lastOffset);
    assertThat(client.epochResets()).as("told of the new epoch: %s", client).isEqualTo(1);
    assertThat(client.silentGaps()).as("silent gaps: %s", client).isZero();
    assertThat(client.duplicates()).isZero();
    assertThat(client.pushes())
        .extracting(V1TestClient.Push::data)
        .startsWith("\"old 1\"", "\"old 2\"", "\"old 3\"", "\"old 4\"", "\"old 5\"")
        .endsWith("\"new 1\"", "\"new 2\"", "\"new 3\"", "\"new 4\"", "\"new 5\"");
  }

  private static PublishResult publish(HubNode node, String channel, String text) throws Exception {
    return node.hub().publishText(channel, text).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
