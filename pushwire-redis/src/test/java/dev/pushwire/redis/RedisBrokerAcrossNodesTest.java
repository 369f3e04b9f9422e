package dev.pushwire.redis;

import static dev.pushwire.hub.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.spi.BrokerListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two {@link RedisBroker}s as two nodes sharing one Redis. */
class RedisBrokerAcrossNodesTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<RedisBroker> brokers = new ArrayList<>();
  private final List<Publication> deliveredToA = new CopyOnWriteArrayList<>();
  private final List<Publication> deliveredToB = new CopyOnWriteArrayList<>();
  private RedisBroker a;
  private RedisBroker b;

  @BeforeEach
  void startNodes() {
    redis.flushAll();
    a = node("a", redis.uri(), deliveredToA);
    b = node("b", redis.uri(), deliveredToB);
  }

  @AfterEach
  void stopNodes() {
    brokers.forEach(RedisBroker::close);
  }

  @Test
  void aPublicationOnOneNodeReachesTheOtherNodesListenerExactlyOnce() throws Exception {
    join(b.subscribe("news"));
    for (int i = 1; i <= 50; i++) {
      join(a.publish("news", ("m" + i).getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT));
    }
    // A last publication as a marker: a channel is delivered in order, so a duplicate of the 50
    // would arrive before it.
    join(a.publish("news", "marker".getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT));
    await("b got 50 and the marker").atMost(WAIT).until(() -> deliveredToB.size() >= 51);
    assertThat(deliveredToB)
        .extracting(Publication::offset)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 51).boxed().toList());
    assertThat(new String(deliveredToB.get(49).data(), StandardCharsets.UTF_8)).isEqualTo("m50");
    assertThat(deliveredToA).as("a has no local subscribers").isEmpty();
  }

  @Test
  void aNodeIsSubscribedToAChannelsTopicOnlyWhileItHasLocalSubscribers() throws Exception {
    assertThat(redis.subscribers("pushwire:ch:news")).isZero();
    join(a.subscribe("news"));
    assertThat(redis.subscribers("pushwire:ch:news")).isEqualTo(1);
    join(b.subscribe("news"));
    assertThat(redis.subscribers("pushwire:ch:news")).isEqualTo(2);
    join(a.unsubscribe("news"));
    assertThat(redis.subscribers("pushwire:ch:news")).isEqualTo(1);
    join(b.unsubscribe("news"));
    assertThat(redis.subscribers("pushwire:ch:news")).isZero();
    assertThat(a.subscribedChannels()).isEmpty();
  }

  @Test
  void aMessageSentToANodeReachesOnlyThatNode() {
    List<String> atA = new CopyOnWriteArrayList<>();
    List<String> atB = new CopyOnWriteArrayList<>();
    a.onNodeMessage(m -> atA.add(new String(m, StandardCharsets.UTF_8)));
    b.onNodeMessage(m -> atB.add(new String(m, StandardCharsets.UTF_8)));

    long receivers = join(a.sendToNode("b", "push 7 hello".getBytes(StandardCharsets.UTF_8)));

    assertThat(receivers).isEqualTo(1);
    await("b got the message").atMost(WAIT).until(() -> !atB.isEmpty());
    assertThat(atB).containsExactly("push 7 hello");
    assertThat(atA).isEmpty();
    assertThat(join(a.sendToNode("nobody", new byte[] {1}))).as("no such node").isZero();
  }

  @Test
  void aNodeCutOffFromRedisDeliversWhatItMissedFromHistoryOnceInOrder() throws Exception {
    // Node c connects as its own Redis user, so the test can cut off c alone: disable the user and
    // drop its connections; Lettuce keeps trying to reconnect until the user is enabled again.
    redis.command("ACL", "SETUSER", "nodec", "on", ">secret", "~*", "&*", "+@all");
    List<Publication> deliveredToC = new CopyOnWriteArrayList<>();
    RedisBroker c = node("c", "redis://nodec:secret@127.0.0.1:" + redis.port(), deliveredToC);
    join(c.subscribe("news"));
    publish(1, 10);
    await("c got 1..10").atMost(WAIT).until(() -> deliveredToC.size() >= 10);

    redis.command("ACL", "SETUSER", "nodec", "off");
    redis.command("CLIENT", "KILL", "USER", "nodec");
    await("c noticed").atMost(WAIT).until(() -> !c.isAvailable());
    publish(11, 15); // c misses these live
    Thread.sleep(200); // a window for a wrong delivery to show: there is nothing to wait for
    assertThat(deliveredToC).hasSize(10);

    redis.command("ACL", "SETUSER", "nodec", "on");
    await("c got 11..15 from history").atMost(WAIT).until(() -> deliveredToC.size() >= 15);
    publish(16, 20);
    publish(21, 21); // the marker: a duplicate of 1..20 would arrive before it
    await("c got 16..21 live").atMost(WAIT).until(() -> deliveredToC.size() >= 21);

    assertThat(deliveredToC)
        .extracting(Publication::offset)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
    assertThat(c.isAvailable()).isTrue();
  }

  private void publish(int from, int to) {
    for (int i = from; i <= to; i++) {
      join(a.publish("news", ("m" + i).getBytes(StandardCharsets.UTF_8), PublishOptions.DEFAULT));
    }
  }

  private RedisBroker node(String id, String uri, List<Publication> sink) {
    RedisBroker broker =
        RedisBroker.connect(
            RedisConfig.newBuilder(uri)
                .nodeId(id)
                .maxReconnectDelay(Duration.ofMillis(200))
                .build(),
            null,
            Clock.systemUTC());
    brokers.add(broker);
    broker.start(BrokerListener.atMostOnce((channel, p) -> sink.add(p)));
    return broker;
  }
}
