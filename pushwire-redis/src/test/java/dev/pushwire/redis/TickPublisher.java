package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.testing.V1TestClient;
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

/**
 * For the failover delivery tests (issue 17): a thread publishing {@code "tick N"} on one channel a
 * given number of times a second, each publication either accepted (with its stream position) or
 * rejected, and what a {@code pushwire.v1} subscriber made of the accepted ones. Close it (as a
 * resource) to stop the thread if a test fails before {@link #stop()}.
 */
final class TickPublisher implements AutoCloseable {
  private final Hub hub;
  private final String channel;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

  /** A publication the broker accepted: its N, its position and when the answer came. */
  record Accepted(int seq, StreamPosition position, long atNanos) {}

  /** What one subscriber did with the accepted publications. */
  record Count(int delivered, int signalled, int lost, int duplicated, int reordered) {}

  private TickPublisher(Hub hub, String channel) {
    this.hub = hub;
    this.channel = channel;
  }

  /** Starts publishing on {@code hub} {@code rate} times a second. */
  static TickPublisher start(Hub hub, String channel, int rate) {
    TickPublisher p = new TickPublisher(hub, channel);
    p.thread.scheduleAtFixedRate(p::publishOne, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
    return p;
  }

  private void publishOne() {
    int seq = sequence.incrementAndGet();
    try {
      PublishResult r =
          hub.publishText(channel, "tick " + seq).toCompletableFuture().get(5, TimeUnit.SECONDS);
      accepted.add(new Accepted(seq, r.position(), System.nanoTime()));
    } catch (Exception e) {
      rejected.incrementAndGet();
    }
  }

  /** The accepted publications so far, in the order they were published. */
  List<Accepted> accepted() {
    return accepted;
  }

  int acceptedCount() {
    return accepted.size();
  }

  int rejected() {
    return rejected.get();
  }

  /** Waits until {@code more} publications were accepted after those accepted so far. */
  void awaitAccepted(int more, Duration atMost) {
    int from = accepted.size();
    await().atMost(atMost).until(() -> accepted.size() >= from + more);
  }

  /**
   * Waits until a publication is accepted after {@code sinceNanos} (a {@link System#nanoTime()}),
   * and returns how long after that instant the first one was, in milliseconds.
   */
  long awaitResumedMillis(long sinceNanos, Duration atMost) {
    await()
        .atMost(atMost)
        .until(
            () -> !accepted.isEmpty() && accepted.get(accepted.size() - 1).atNanos() > sinceNanos);
    long first =
        accepted.stream().filter(x -> x.atNanos() > sinceNanos).findFirst().orElseThrow().atNanos();
    return TimeUnit.NANOSECONDS.toMillis(first - sinceNanos);
  }

  /** Stops publishing, waiting for the publication under way. */
  void stop() throws InterruptedException {
    thread.shutdown();
    if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the publishing thread did not stop within 30 s");
    }
  }

  /** Waits until every client is at the last accepted publication. */
  void awaitAllAtLast(List<V1TestClient> clients, Duration atMost) {
    StreamPosition last = accepted.get(accepted.size() - 1).position();
    for (V1TestClient c : clients) {
      await()
          .atMost(atMost)
          .until(() -> c.lastOffset() == last.offset() && last.epoch().equals(c.lastEpoch()));
    }
  }

  /** How many epochs the accepted publications span. */
  int epochs() {
    Set<String> epochs = new HashSet<>();
    accepted.forEach(x -> epochs.add(x.position().epoch()));
    return epochs.size();
  }

  /** What {@code c} did with the accepted publications. */
  Count count(V1TestClient c) {
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

  /** What each of {@code clients} did with the accepted publications, once it is at the last. */
  PerClient perClient(List<V1TestClient> clients) {
    List<Count> counts = new ArrayList<>();
    for (V1TestClient c : clients) {
      counts.add(count(c));
    }
    return new PerClient(clients, counts);
  }

  /** The {@link Count}s of some clients, in their order. */
  record PerClient(List<V1TestClient> clients, List<Count> counts) {

    /** The figures, one list per kind, an element per client. */
    String figures() {
      return String.format(
          "received %s, reported lost %s, epoch resets %s, signalled %s, lost silently %s,"
              + " duplicated %s, reordered %s",
          counts.stream().map(Count::delivered).toList(),
          clients.stream().map(V1TestClient::lostReported).toList(),
          clients.stream().map(V1TestClient::epochResets).toList(),
          counts.stream().map(Count::signalled).toList(),
          counts.stream().map(Count::lost).toList(),
          counts.stream().map(Count::duplicated).toList(),
          counts.stream().map(Count::reordered).toList());
    }

    /**
     * Asserts that every client accounted for every accepted publication (handled once and in
     * order, or covered by a signal).
     */
    void assertAccountedFor() {
      for (int i = 0; i < clients.size(); i++) {
        V1TestClient c = clients.get(i);
        Count n = counts.get(i);
        assertThat(c.silentGaps()).as("silent gaps: %s", c).isZero();
        assertThat(n.lost()).as("accepted, neither delivered nor signalled: %s", c).isZero();
        assertThat(n.duplicated()).as("duplicated: %s", c).isZero();
        assertThat(n.reordered()).as("reordered: %s", c).isZero();
      }
    }
  }

  /** N of the push's data, the JSON string "tick N". */
  private static int seqOf(V1TestClient.Push p) {
    String json = p.data();
    return Integer.parseInt(json.substring("\"tick ".length(), json.length() - 1));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
