package dev.pushwire.bench.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * The idle scenario: optionally opens and closes warm-up connections first, reads the server's
 * resident set size ({@code VmRSS}), opens N connections that then send nothing, waits for the
 * server to settle, reads it again and reports the growth per connection. No garbage collection is
 * forced: what is measured is what the process holds.
 */
public final class IdleRun extends ScenarioRun<IdleRun.Settings> {
  /** What to run. */
  public record Settings(
      LoadSettings load, long pid, Duration settle, Duration hold, int warmupConnections) {}

  /**
   * A run of {@code settings} on {@code client}'s event loops, with progress to {@code progress}.
   */
  public IdleRun(Settings settings, BenchClient client, Progress progress) {
    super(settings, client, progress);
  }

  /** Runs to the end and returns the summary. */
  @Override
  public Summary run() {
    LoadSettings load = settings.load();
    OpenPhase.warmUp(client, load, settings.warmupConnections(), progress);
    long before = ProcStatus.rssBytes(settings.pid());
    progress.line("server RSS before: " + mib(before) + " MiB");
    Connections connections = new Connections();
    DiscardSession session = new DiscardSession();
    ConnectionOpener opener =
        ConnectionOpener.of(client, load, load.connections(), i -> session, connections);
    boolean finished =
        OpenPhase.run(opener, load.connections(), load.openTimeout(), progress, "connections");
    double openSeconds = opener.seconds();
    long settleEnd = System.nanoTime() + settings.settle().toNanos();
    while (System.nanoTime() < settleEnd) {
      Progress.sleepUntil(Math.min(settleEnd, System.nanoTime() + 1_000_000_000L));
      progress.line(
          "settling: server RSS "
              + mib(ProcStatus.rssBytes(settings.pid()))
              + " MiB, "
              + connections.openCount()
              + " open");
    }
    long after = ProcStatus.rssBytes(settings.pid());
    long self = ProcStatus.rssBytes(ProcessHandle.current().pid());
    int open = connections.openCount();
    Progress.sleepUntil(System.nanoTime() + settings.hold().toNanos());
    connections.closeAll(Duration.ofSeconds(5));

    long opened = opener.opened();
    double perConnection = opened == 0 ? 0 : (double) (after - before) / opened;
    Summary s =
        new Summary(
            "idle",
            "idle "
                + load.target()
                + ": "
                + load.connections()
                + " connections, server pid "
                + settings.pid());
    s.json("url", load.target().toString())
        .json("transport", client.transport())
        .json("pid", settings.pid())
        .json("warmupConnections", settings.warmupConnections())
        .value("requested", "requested", (long) load.connections())
        .value("opened", "opened", opened)
        .value("failed", "failed", opener.failed())
        .failures("failures", "failures", opener.failures().snapshot())
        .value("openAtMeasure", "open when measured", (long) open)
        .value("openSeconds", "time to open", Summary.round(openSeconds), "s")
        .value("rssBeforeBytes", "server RSS before", before)
        .value("rssAfterBytes", "server RSS after", after)
        .value("bytesPerConnection", "server bytes/connection", Summary.round(perConnection))
        .value(
            "generatorBytesPerConnection",
            "generator RSS/connection",
            Summary.round(opened == 0 ? 0 : (double) self / opened))
        .json("messagesReceived", session.received())
        .failures(
            "unexpectedCloses", "unexpected closes", connections.unexpectedCloses().snapshot());
    boolean ok =
        finished
            && opener.failed() == 0
            && open == load.connections()
            && connections.unexpectedCloses().total() == 0;
    s.value("ok", "clean run", ok);
    return s;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }
}
