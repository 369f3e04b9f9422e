package dev.pushwire.bench.internal;

import java.time.Duration;

/**
 * The connect scenario: opens N connections as fast as the server accepts them, with a bounded
 * number of handshakes in flight; measures handshakes per second, handshake times and failures by
 * reason. The connections stay open until all attempts ended, then close.
 */
public final class ConnectRun {
  private final LoadSettings load;
  private final LoadSettings warmup;
  private final int warmupConnections;
  private final BenchClient client;
  private final Progress progress;

  /**
   * A run of {@code load} on {@code client}'s event loops, with progress to {@code progress}; first
   * opens and closes {@code warmupConnections}, not measured, so that neither the server nor the
   * generator is measured while its JIT compiler is still at work. The warm-up connections go to
   * {@code warmup}'s target: {@code load}'s to warm both sides, another server's to warm only the
   * generator.
   */
  public ConnectRun(
      LoadSettings load,
      LoadSettings warmup,
      int warmupConnections,
      BenchClient client,
      Progress progress) {
    this.load = load;
    this.warmup = warmup;
    this.warmupConnections = warmupConnections;
    this.client = client;
    this.progress = progress;
  }

  /** Runs to the end and returns the summary. */
  public Summary run() {
    OpenPhase.warmUp(client, warmup, warmupConnections, progress);
    Connections connections = new Connections();
    DiscardSession session = new DiscardSession();
    ConnectionOpener opener =
        ConnectionOpener.of(client, load, load.connections(), i -> session, connections);
    CpuMeter cpu = new CpuMeter(load.serverPid());
    cpu.start();
    boolean finished =
        OpenPhase.run(opener, load.connections(), load.openTimeout(), progress, "connections");
    cpu.stop();
    double seconds = opener.seconds();
    LatencySummary handshakes = opener.handshakes().total();
    int open = connections.openCount();
    connections.closeAll(Duration.ofSeconds(5));

    Summary s =
        new Summary(
            "connect",
            "connect "
                + load.target()
                + ": "
                + load.connections()
                + " connections, "
                + load.concurrency()
                + " handshakes in flight");
    s.json("url", load.target().toString())
        .json("transport", client.transport())
        .json("concurrency", load.concurrency())
        .json("warmupConnections", warmupConnections)
        .json("warmupUrl", warmup.target().toString())
        .value("requested", "requested", (long) load.connections())
        .value("opened", "opened", opener.opened())
        .value("failed", "failed", opener.failed())
        .failures("failures", "failures", opener.failures().snapshot())
        .value("openAtEnd", "still open at the end", (long) open)
        .value("seconds", "total time", Summary.round(seconds), "s")
        .value("handshakesPerSecond", "handshakes/s", Summary.round(opener.opened() / seconds))
        .latency("handshakeMs", "handshake time", handshakes);
    cpu.addTo(s, opener.opened(), "handshake");
    s.failures("unexpectedCloses", "unexpected closes", connections.unexpectedCloses().snapshot());
    boolean ok =
        finished
            && opener.failed() == 0
            && opener.opened() == load.connections()
            && connections.unexpectedCloses().total() == 0;
    s.value("ok", "clean run", ok);
    return s;
  }
}
