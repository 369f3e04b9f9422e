package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster tests that lose a channel's master share: a publishing and a subscribing node
 * with a {@code pushwire.v1} client on the channel; five publications; the master lost; then
 * publishing works again by itself, the subscribing node subscribes again (sharded pub/sub) on the
 * master that holds the channel now, and the client is told of the new epoch before it gets the
 * five publications after, with no silent gap and no duplicate.
 */
final class ChannelMasterLoss {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Loses {@code master}, the channel's; returns the master that holds the channel after. */
  @FunctionalInterface
  interface Loss {
    RedisServerProcess lose(RedisServerProcess master) throws Exception;
  }

  private ChannelMasterLoss() {}

  /**
   * Runs the scenario on {@code channel}; {@code resources} closes what it starts.
   *
   * @param subscribedAfter how the subscription after the loss is described
   * @param whyNewEpoch why the stream written after the loss must have a new epoch
   */
  static void check(
      RedisClusterGroup cluster,
      String channel,
      List<AutoCloseable> resources,
      Loss loss,
      String subscribedAfter,
      String whyNewEpoch)
      throws Exception {
    String topic = "pushwire:ch:{" + channel + "}";
    HubNode publisher = HubNode.start("p", cluster.uri(), 100, resources);
    HubNode subscriber = HubNode.start("s", cluster.uri(), 100, resources);
    URI uri = URI.create("ws://127.0.0.1:" + subscriber.server().port() + "/");
    V1TestClient client = new V1TestClient(() -> uri, channel);
    resources.add(client);
    RedisServerProcess master = cluster.masterOf("{" + channel + "}");
    await().atMost(DEADLINE).until(client::subscribed);
    await("the subscription on the channel's master")
        .atMost(DEADLINE)
        .until(() -> RedisClusterGroup.shardSubscribers(master, topic) == 1);
    PublishResult before = null;
    for (int i = 1; i <= 5; i++) {
      before = publish(publisher, channel, "old " + i);
    }
    String oldEpoch = before.position().epoch();
    await().atMost(DEADLINE).until(() -> client.lastOffset() == 5);

    RedisServerProcess after = loss.lose(master);
    await("publishing works again")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> publish(publisher, channel, "probe") != null);
    await(subscribedAfter)
        .atMost(DEADLINE)
        .ignoreExceptions()
        .until(() -> RedisClusterGroup.shardSubscribers(after, topic) == 1);
    PublishResult last = null;
    for (int i = 1; i <= 5; i++) {
      last = publish(publisher, channel, "new " + i);
    }
    String newEpoch = last.position().epoch();
    long lastOffset = last.position().offset();
    assertThat(newEpoch).as(whyNewEpoch).isNotEqualTo(oldEpoch);

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
