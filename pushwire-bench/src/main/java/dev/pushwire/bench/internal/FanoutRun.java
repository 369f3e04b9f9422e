package dev.pushwire.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out scenario: N subscribers on one channel, one publisher sending numbered, time-stamped
 * messages at a fixed rate or, with rate 0, as fast as the subscribers receive them (at most {@code
 * window} messages on their way). Measures deliveries per second, publish-to-receive latency, and
 * per subscriber which messages were lost or arrived twice.
 */
public final class FanoutRun extends ScenarioRun<FanoutRun.Settings> {
  /**
   * What to run; {@code rate} 0 means as fast as delivered, {@code maxMessages} 0 no limit; {@code
   * socketIo} or {@code v1}: the subscribers speak Socket.IO or {@code pushwire.v1}.
   */
  public record Settings(
      LoadSettings load,
      PublishMode publish,
      String apiKey,
      int httpConnections,
      int httpPipeline,
      boolean socketIo,
      boolean v1,
      int size,
      int rate,
      int window,
      long maxMessages,
      Duration warmup,
      Duration duration,
      Duration settle,
      Duration drain) {}

  private final FanoutStats stats = new FanoutStats();

  private volatile boolean publishing = true;
  private volatile long publishEndNanos;
  private volatile String stall;

  /**
   * A run of {@code settings} on {@code client}'s event loops, with progress to {@code progress}.
   */
  public FanoutRun(Settings settings, BenchClient client, Progress progress) {
    super(settings, client, progress);
  }

  /** The channel that HTTP publishing names: the subscribers' first {@code channel} parameter. */
  public static String channelOf(Target subscribers) {
    List<String> c = subscribers.queryParams("channel");
    return c.isEmpty() || c.get(0).isEmpty() ? "default" : c.get(0);
  }

  private Publisher newPublisher() {
    PublishMode m = settings.publish();
    Target subs = settings.load().target();
    return switch (m.kind()) {
      case WS ->
          new WebSocketPublisher(
              client, m.url() == null ? subs : Target.webSocket(m.url()), null, false);
      case SOCKET ->
          new WebSocketPublisher(client, Target.webSocket(m.url()), settings.apiKey(), true);
      case HTTP ->
          new HttpPublisher(
              client,
              Target.http(m.url()),
              settings.apiKey(),
              channelOf(subs),
              settings.httpConnections(),
              settings.httpPipeline());
    };
  }

  /** The subprotocol of {@code v1} subscribers. */
  static final String V1_SUBPROTOCOL = "pushwire.v1";

  /**
   * Waits until every open {@code pushwire.v1} subscriber has its subscribe reply, or a refusal, or
   * {@code deadline} passed; returns how many are subscribed, which are the ones that count.
   */
  private int awaitSubscribed(ConnectionOpener opener, long deadline) {
    long opened = opener.opened();
    long nextLine = System.nanoTime() + 1_000_000_000L;
    while (stats.subscribed.sum() + stats.subscribeFailures.total() < opened) {
      long now = System.nanoTime();
      if (now >= deadline) {
        progress.line("subscribe: gave up waiting for replies");
        break;
      }
      if (now >= nextLine) {
        progress.line(
            "subscribed "
                + Summary.format(stats.subscribed.sum())
                + "/"
                + Summary.format(opened)
                + ", "
                + Summary.format(stats.subscribeFailures.total())
                + " refused");
        nextLine += 1_000_000_000L;
      }
      Progress.sleepUntil(Math.min(deadline, now + 10_000_000L));
    }
    return (int) stats.subscribed.sum();
  }

  /** Runs to the end and returns the summary; throws when the publisher cannot connect. */
  @Override
  public Summary run() throws Exception {
    LoadSettings load = settings.load();
    Connections connections = new Connections();
    List<SubscriberSession> sessions = new ArrayList<>();
    String channel = channelOf(load.target());
    ConnectionOpener opener =
        ConnectionOpener.of(
            client,
            load,
            load.connections(),
            ConnectionOpener.collecting(
                sessions,
                () ->
                    new SubscriberSession(
                        stats,
                        settings.socketIo(),
                        settings.v1() ? new V1Reader(stats, channel) : null)),
            connections);
    if (settings.v1()) {
      opener.subprotocol(V1_SUBPROTOCOL);
    }
    long openStart = System.nanoTime();
    OpenPhase.run(opener, load.connections(), load.openTimeout(), progress, "subscribers");
    int subscribers = (int) opener.opened();
    if (settings.v1()) {
      subscribers = awaitSubscribed(opener, openStart + load.openTimeout().toNanos());
    }

    Publisher publisher = newPublisher();
    try {
      publisher.open();
      Progress.sleepUntil(System.nanoTime() + settings.settle().toNanos());
      if (settings.rate() == 0) {
        stats.window = new DeliveryWindow(settings.window(), subscribers);
      }
      return measure(publisher, connections, sessions, opener, subscribers);
    } finally {
      publisher.close();
      connections.closeAll(Duration.ofSeconds(2));
    }
  }

  private Summary measure(
      Publisher publisher,
      Connections connections,
      List<SubscriberSession> sessions,
      ConnectionOpener opener,
      int subscribers) {
    long start = System.nanoTime();
    long warmupEnd = start + settings.warmup().toNanos();
    long end = warmupEnd + settings.duration().toNanos();
    Thread loop = new Thread(() -> publishLoop(publisher, start, end), "bench-publisher");
    loop.setDaemon(true);
    loop.start();

    CpuMeter cpu = new CpuMeter(settings.load().serverPid());
    boolean measuring = settings.warmup().isZero();
    if (measuring) {
      cpu.start();
      stats.latency.startMeasuring();
    }
    long measuredFrom = start;
    long countFrom = 0;
    long countTo = -1;
    long lastTick = start;
    long lastCount = 0;
    long lastSent = 0;
    long nextTick = start + 1_000_000_000L;
    long drainEnd = Long.MAX_VALUE;
    boolean drained = false;
    while (true) {
      long wake = Math.min(nextTick, measuring ? drainEnd : warmupEnd);
      Progress.sleepUntil(Math.min(wake, System.nanoTime() + 20_000_000L));
      long now = System.nanoTime();
      if (!measuring && now >= warmupEnd) {
        cpu.start();
        stats.latency.startMeasuring();
        measuring = true;
        countFrom = stats.deliveries.sum();
        measuredFrom = now;
      }
      if (!publishing && countTo < 0) {
        countTo = stats.deliveries.sum();
        cpu.stop();
        publisher.awaitAnswers(settings.drain());
        drainEnd = System.nanoTime() + settings.drain().toNanos();
      }
      if (countTo >= 0) {
        long expected = (publisher.sent() - publisher.errors().total()) * subscribers;
        if (stats.deliveries.sum() >= expected) {
          drained = true;
          break;
        }
        if (now >= drainEnd) {
          break;
        }
      }
      if (now >= nextTick) {
        long count = stats.deliveries.sum();
        long sent = publisher.sent();
        double secs = (now - lastTick) / 1e9;
        LatencySummary l = stats.latency.interval();
        progress.line(
            "published "
                + Summary.format(sent)
                + " ("
                + Progress.rate((sent - lastSent) / secs)
                + "/s)  "
                + Progress.rate((count - lastCount) / secs)
                + " deliveries/s  latency "
                + l.line()
                + (stats.duplicates.sum() > 0 ? "  duplicates " + stats.duplicates.sum() : "")
                + (measuring ? "" : "  (warm-up)")
                + (publishing ? "" : "  (draining)"));
        lastCount = count;
        lastSent = sent;
        lastTick = now;
        nextTick += 1_000_000_000L;
      }
    }
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LatencySummary latency = stats.latency.total();
    long publishEnd = publishEndNanos;
    connections.closeAll(Duration.ofSeconds(2)); // also makes the trackers safe to read here

    long accepted = publisher.sent() - publisher.errors().total();
    long lost = 0;
    long late = 0;
    long withLoss = 0;
    long maxLost = 0;
    long duplicates = 0;
    synchronized (sessions) {
      for (SubscriberSession s : sessions) {
        if (!s.tracker.complete(accepted) || s.tracker.duplicates() > 0) {
          long missing = s.tracker.lost(accepted);
          long tail = Math.max(0, accepted - 1 - s.tracker.max());
          lost += missing - tail;
          late += tail;
          maxLost = Math.max(maxLost, missing);
          withLoss += missing > 0 ? 1 : 0;
        }
        duplicates += s.tracker.duplicates();
      }
    }
    double windowSeconds = Math.max(1e-9, (publishEnd - measuredFrom) / 1e9);
    double perSecond = (countTo - countFrom) / windowSeconds;
    String rate =
        settings.rate() == 0 ? "max (window " + settings.window() + ")" : settings.rate() + "/s";
    Summary s =
        new Summary(
            "fanout",
            "fanout "
                + settings.load().target()
                + ": "
                + subscribers
                + (settings.v1() ? " pushwire.v1" : "")
                + " subscribers, "
                + settings.size()
                + "-byte messages, rate "
                + rate
                + ", publisher "
                + publisher.describe());
    s.json("url", settings.load().target().toString())
        .json("transport", client.transport())
        .json("publish", publisher.describe())
        .json("rate", settings.rate())
        .json("size", settings.size())
        .value("subscribers", "subscribers", (long) subscribers)
        .value("failedConnections", "failed connections", opener.failed())
        .failures("connectFailures", "connect failures", opener.failures().snapshot())
        .value("seconds", "measured", Summary.round(windowSeconds), "s")
        .value("published", "published", publisher.sent())
        .value(
            "publishedPerSecond",
            "published/s",
            Summary.round(publisher.sent() / Math.max(1e-9, (publishEnd - start) / 1e9)))
        .failures("publishErrors", "publish errors", publisher.errors().snapshot())
        .value("deliveries", "deliveries (all)", stats.deliveries.sum())
        .value("deliveriesPerSecond", "deliveries/s", Summary.round(perSecond))
        .latency("latencyMs", "publish to receive", latency);
    cpu.addTo(s, countTo - countFrom, "delivery");
    s.value("lost", "lost (gaps)", lost)
        .value("undelivered", "not delivered by the end", late)
        .value("duplicates", "duplicates", duplicates)
        .value("subscribersWithLoss", "subscribers with loss", withLoss)
        .value("maxLostPerSubscriber", "most lost by one subscriber", maxLost)
        .value("otherMessages", "other messages", stats.other.sum())
        .failures(
            "unexpectedCloses", "unexpected closes", connections.unexpectedCloses().snapshot());
    long offsetsSkipped = stats.offsetsSkipped.sum();
    long offsetErrors = stats.offsetErrors.total();
    if (settings.v1()) {
      s.json("protocol", V1_SUBPROTOCOL)
          .failures("subscribeFailures", "subscribe failures", stats.subscribeFailures.snapshot())
          .value("offsetsSkipped", "offsets skipped without notice", offsetsSkipped)
          .failures("offsetErrors", "other offset errors", stats.offsetErrors.snapshot())
          .failures("told", "loss signalled by the server", stats.told.snapshot())
          .value("toldOffsets", "offsets reported lost", stats.toldOffsets.sum());
    }
    if (stall != null) {
      s.value("stalled", "stalled", stall);
    }
    // Judged on what arrived before the connections closed, which may be after the drain deadline.
    boolean noLoss = lost == 0 && late == 0 && duplicates == 0;
    s.json("drainedInTime", drained);
    s.value("noLoss", "no loss, no duplicates", noLoss);
    boolean ok =
        noLoss
            && opener.failed() == 0
            && subscribers == settings.load().connections()
            && publisher.errors().total() == 0
            && connections.unexpectedCloses().total() == 0
            && stall == null
            && publisher.sent() > 0
            && offsetsSkipped == 0
            && offsetErrors == 0
            && stats.subscribeFailures.total() == 0
            && stats.told.total() == 0;
    s.value("ok", "clean run", ok);
    return s;
  }

  private void publishLoop(Publisher publisher, long start, long end) {
    try {
      int rate = settings.rate();
      long max = settings.maxMessages() > 0 ? settings.maxMessages() : Long.MAX_VALUE;
      DeliveryWindow window = stats.window;
      long lastProgress = System.nanoTime();
      for (long seq = 0; seq < max; seq++) {
        if (rate > 0) {
          long due = start + (long) (seq * 1e9 / rate);
          if (due >= end) {
            break;
          }
          if (System.nanoTime() < due) {
            publisher.flush();
            Progress.sleepUntil(due);
          }
        } else {
          if (!window.isFree(seq)) {
            publisher.flush();
            while (!window.isFree(seq)) {
              long now = System.nanoTime();
              if (now >= end) {
                return;
              }
              if (now - lastProgress > settings.drain().toNanos()) {
                stall =
                    "message "
                        + (seq - settings.window())
                        + " did not reach every subscriber within "
                        + settings.drain().toSeconds()
                        + " s";
                return;
              }
              LockSupport.parkNanos(20_000);
            }
          }
          lastProgress = System.nanoTime();
          if (lastProgress >= end) {
            break;
          }
          window.published(seq);
        }
        publisher.publish(seq, settings.size());
      }
    } finally {
      publisher.flush();
      publishEndNanos = System.nanoTime();
      publishing = false;
    }
  }
}
