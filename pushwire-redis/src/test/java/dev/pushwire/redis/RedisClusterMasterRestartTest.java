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
 * The master that holds a channel is killed (SIGKILL) and started again without its data, in a
 * cluster without replicas: publishing works again by itself, the subscribing node subscribes again
 * on that master (sharded pub/sub), and its {@code pushwire.v1} client is told that the stream
 * started over before it gets the new epoch's publications, never silently.
 */
class RedisClusterMasterRestartTest {
  @RegisterExtension static final RedisClusterGroup cluster = new RedisClusterGroup();

  private static final String CHANNEL = "news";
  private static final String TOPIC = "pushwire:ch:{" + CHANNEL + "}";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final ClosedAfterEach resources = new ClosedAfterEach();

  @Test
  void afterTheChannelsMasterRestartsEmptyDeliveryResumesAndTheNewEpochIsSignalled()
      throws Exception {
    cluster.flushAll();
    HubNode publisher = HubNode.start("p", cluster.uri(), 100, resources);
    HubNode subscriber = HubNode.start("s", cluster.uri(), 100, resources);
    URI uri = URI.create("ws://127.0.0.1:" + subscriber.server().port() + "/");
    V1TestClient client = new V1TestClient(() -> uri, CHANNEL);
    resources.add(client);
    RedisServerProcess master = cluster.masterOf("{" + CHANNEL + "}");
    await().atMost(DEADLINE).until(client::subscribed);
    await("the subscription on the channel's master")
        .atMost(DEADLINE)
        .until(() -> RedisClusterGroup.shardSubscribers(master, TOPIC) == 1);
    PublishResult before = null;
    for (int i = 1; i <= 5; i++) {
      before = publish(publisher, "old " + i);
    }
    String oldEpoch = before.position().epoch();
    await().atMost(DEADLINE).until(() -> client.lastOffset() == 5);

    master.kill();
    master.start();
    cluster.awaitReady();
    await("publishing works again")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> publish(publisher, "probe") != null);
    await("the subscribing node subscribed again on the restarted master")
        .atMost(DEADLINE)
        .ignoreExceptions()
        .until(() -> RedisClusterGroup.shardSubscribers(master, TOPIC) == 1);
    PublishResult last = null;
    for (int i = 1; i <= 5; i++) {
      last = publish(publisher, "new " + i);
    }
    String newEpoch = last.position().epoch();
    long lastOffset = last.position().offset();
    assertThat(newEpoch).as("the restarted master lost the stream").isNotEqualTo(oldEpoch);

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

  private static PublishResult publish(HubNode node, String text) throws Exception {
    return node.hub().publishText(CHANNEL, text).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
