package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Several threads publish while a connection leaves and comes back with its last position, again
 * and again, and each history read straddles publications arriving before and after it. What the
 * connection received must be exactly 1, 2, ..., N: no gap, no duplicate, in order.
 */
class RecoveryUnderConcurrentPublishingTest {
  private static final int PUBLISHERS = 4;
  private static final int EACH = 1500;
  private static final int TOTAL = PUBLISHERS * EACH;
  private static final int CHUNK = 100;

  private final ControlledBroker broker = new ControlledBroker(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder().nodeId("n1").historySize(TOTAL).build(),
          broker,
          new MemoryRegistry());
  private final ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
  private final AtomicInteger rounds = new AtomicInteger();

  @AfterEach
  void close() {
    pool.shutdownNow();
    f.close();
  }

  @RepeatedTest(3)
  void resubscribingWithSinceYieldsAnExactlyConsecutiveSequence() throws Exception {
    long v1 = f.openV1();
    long plain = f.openPlain("elsewhere");
    SubscribeResult first = join(f.hub.subscribe(v1, "chat"));
    join(f.hub.subscribe(plain, "chat"));
    String epoch = first.epoch();
    broker.straddleHistory(20);

    List<CompletableFuture<Void>> publishers = new ArrayList<>();
    for (int t = 0; t < PUBLISHERS; t++) {
      int publisher = t;
      publishers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < EACH; i++) {
                  join(f.hub.publishText("chat", publisher + "-" + i));
                  if (i % CHUNK == CHUNK - 1) {
                    awaitRounds((i + 1) / CHUNK);
                  }
                }
              },
              pool));
    }
    CompletableFuture<Void> allPublished =
        CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new));

    while (!allPublished.isDone()) {
      join(f.hub.unsubscribe(v1, "chat"));
      long last = lastOffset(v1);
      SubscribeResult r = join(f.hub.subscribe(v1, "chat", new StreamPosition(last, epoch)));
      assertThat(r.recovered()).as("round %d from offset %d", rounds.get(), last).isTrue();
      rounds.incrementAndGet();
    }
    allPublished.get(30, TimeUnit.SECONDS);

    List<Long> offsets = f.json(v1).stream().map(n -> n.get("offset").asLong()).toList();
    assertThat(offsets)
        .as("exactly consecutive after %d resubscriptions", rounds.get())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, TOTAL).boxed().toList());
    assertThat(rounds.get()).as("resubscribed while publishing").isGreaterThanOrEqualTo(3);
    List<String> steady = f.delivery.messages(plain);
    assertThat(steady).as("the steady subscriber too").hasSize(TOTAL);
    for (int t = 0; t < PUBLISHERS; t++) {
      String prefix = t + "-";
      assertThat(steady.stream().filter(m -> m.startsWith(prefix)).toList())
          .as("publisher %d in its own order", t)
          .containsExactlyElementsOf(IntStream.range(0, EACH).mapToObj(i -> prefix + i).toList());
    }
  }

  /**
   * Publishers pace themselves (briefly) so that every run resubscribes many times while
   * publications are still flowing.
   */
  private void awaitRounds(int n) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    while (rounds.get() < n && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private long lastOffset(long id) {
    List<String> got = f.delivery.messages(id);
    return got.isEmpty() ? 0 : HubFixture.parse(got.get(got.size() - 1)).get("offset").asLong();
  }
}
