package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();

  private record Accepted(int seq, StreamPosition position, long atNanos) {}

  @AfterEach
  void tearDown() throws Exception {
    publisher.shutdownNow();
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
      URI uri = URI.create("ws://127.0.0.1:" + n.server().port() + "/");
      for (int i = 0; i < 2; i++) {
        V1TestClient c = new V1TestClient(() -> uri, CHANNEL);
        resources.add(c);
        clients.add(c);
      }
    }
    await().atMost(DEADLINE).until(() -> clients.stream().allMatch(V1TestClient::subscribed));
    await().atMost(DEADLINE).until(() -> a.hub().subscribers(CHANNEL).size() == 2);
    await().atMost(DEADLINE).until(() -> b.hub().subscribers(CHANNEL).size() == 2);

    // The publishing node has no subscriber: it cannot know which offsets the others saw, so the
    // broker must tell from Redis alone that the stream may have lost publications.
    HubNode publishing = node("p");
    startPublishing(publishing.hub());
    await().atMost(DEADLINE).until(() -> accepted.size() >= RATE);
    // The replica stops following: what the master accepts from now on, the promoted replica
    // will not have, though subscribers got it live.
    group.cutReplication();
    int acceptedAtCut = accepted.size();
    await().atMost(DEADLINE).until(() -> accepted.size() >= acceptedAtCut + RATE / 3);
    RedisServerProcess old = group.killMaster();
    long killedAt = System.nanoTime(); // it has exited: nothing is accepted until a promotion
    int acceptedBeforeKill = accepted.size();
    group.awaitFailoverFrom(old, DEADLINE);
    long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    await().atMost(DEADLINE).until(() -> accepted.get(accepted.size() - 1).atNanos() > killedAt);
    long resumedMillis =
        TimeUnit.NANOSECONDS.toMillis(
            accepted.stream()
                    .filter(x -> x.atNanos() > killedAt)
                    .findFirst()
                    .orElseThrow()
                    .atNanos()
                - killedAt);
    int afterResume = accepted.size();
    await().atMost(DEADLINE).until(() -> accepted.size() >= afterResume + RATE);
    publisher.shutdown();
    assertThat(publisher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    StreamPosition last = accepted.get(accepted.size() - 1).position();
    for (V1TestClient c : clients) {
      await()
          .atMost(DEADLINE)
          .until(() -> c.lastOffset() == last.offset() && last.epoch().equals(c.lastEpoch()));
    }

    List<Count> counts = new ArrayList<>();
    for (V1TestClient c : clients) {
      counts.add(count(c));
    }
    Set<String> epochs = new HashSet<>();
    accepted.forEach(x -> epochs.add(x.position().epoch()));
    System.out.printf(
        "FAILOVER: accepted %d (%d before the kill, %d of them after replication was cut), rejected %d,"
            + " sentinels switched after %d ms,"
            + " publishing resumed after %d ms, epochs %d;"
            + " per subscriber (a1 a2 b1 b2): delivered %s, signalled %s, lost %s, duplicated %s,"
            + " reordered %s, epoch resets %s%n",
        accepted.size(),
        acceptedBeforeKill,
        acceptedBeforeKill - acceptedAtCut,
        rejected.get(),
        promotedMillis,
        resumedMillis,
        epochs.size(),
        counts.stream().map(x -> x.delivered).toList(),
        counts.stream().map(x -> x.signalled).toList(),
        counts.stream().map(x -> x.lost).toList(),
        counts.stream().map(x -> x.duplicated).toList(),
        counts.stream().map(x -> x.reordered).toList(),
        clients.stream().map(V1TestClient::epochResets).toList());

    for (int i = 0; i < clients.size(); i++) {
      V1TestClient c = clients.get(i);
      Count n = counts.get(i);
      assertThat(c.silentGaps()).as("silent gaps: %s", c).isZero();
      assertThat(n.lost).as("accepted, neither delivered nor signalled: %s", c).isZero();
      assertThat(n.duplicated).as("duplicated: %s", c).isZero();
      assertThat(n.reordered).as("reordered: %s", c).isZero();
    }
  }

  /** What one subscriber did with the accepted publications. */
  private record Count(int delivered, int signalled, int lost, int duplicated, int reordered) {}

  private Count count(V1TestClient c) {
    List<V1TestClient.Push> pushes = c.pushes();
    int duplicated = 0;
    int reordered = 0;
    Set<Integer> seen = new HashSet<>();
    int highest = 0;
    for (V1TestClient.Push p : pushes) {
      int seq = seqOf(p);
      if (!seen.add(seq)) {
        duplicated++;
      } else if (seq < highest) {
        reordered++;
      }
      highest = Math.max(highest, seq);
    }
    int delivered = 0;
    int signalled = 0;
    int lost = 0;
    for (Accepted x : accepted) {
      StreamPosition pos = x.position();
      V1TestClient.Push got =
          pushes.stream()
              .filter(p -> p.offset() == pos.offset() && p.epoch().equals(pos.epoch()))
              .findFirst()
              .orElse(null);
      if (got != null && seqOf(got) == x.seq()) {
        delivered++;
      } else if (got == null && c.accountsFor(pos.offset(), pos.epoch())) {
        signalled++;
      } else {
        // Not there, or another publication under its position: lost without a word.
        lost++;
      }
    }
    return new Count(delivered, signalled, lost, duplicated, reordered);
  }

  /** N of the push's data, the JSON string "tick N". */
  private static int seqOf(V1TestClient.Push p) {
    String json = p.data();
    return Integer.parseInt(json.substring("\"tick ".length(), json.length() - 1));
  }

  private void startPublishing(Hub hub) {
    publisher.scheduleAtFixedRate(
        () -> {
          int seq = sequence.incrementAndGet();
          try {
            PublishResult r =
                hub.publishText(CHANNEL, "tick " + seq)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            accepted.add(new Accepted(seq, r.position(), System.nanoTime()));
          } catch (Exception e) {
            rejected.incrementAndGet();
          }
        },
        0,
        1_000_000 / RATE,
        TimeUnit.MICROSECONDS);
  }

  private HubNode node(String id) {
    return HubNode.start(id, group.uri(), 1000, resources);
  }
}
