package dev.pushwire.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The echo scenario: N connections each keep {@code pipeline} messages of S bytes in flight to a
 * server that echoes them; measures echoed messages per second and round-trip times after a
 * warm-up. With a deflate client, messages go compressed and the run stops at once if a server did
 * not accept permessage-deflate.
 */
public final class EchoRun extends ScenarioRun<EchoRun.Settings> {
  /** What to run. */
  public record Settings(
      LoadSettings load,
      int size,
      int pipeline,
      boolean binary,
      Duration warmup,
      Duration duration,
      Duration drain) {}

  /** As browsers and most servers compress: zlib's default level. */
  static final int DEFLATE_LEVEL = 6;

  /** Message variants of one length, sent in turn; see {@link EchoBody}. */
  final PrebuiltFrame[] frames;

  /** The message length every echo must have. */
  final int messageLength;

  final LongAdder sent = new LongAdder();
  final LongAdder echoes = new LongAdder();
  final LongAdder other = new LongAdder();
  final LatencyRecorder latency = new LatencyRecorder();
  volatile boolean stopping;

  /**
   * A run of {@code settings} on {@code client}'s event loops, with progress to {@code progress}.
   */
  public EchoRun(Settings settings, BenchClient client, Progress progress) {
    super(settings, client, progress);
    int opcode = settings.binary() ? PrebuiltFrame.BINARY : PrebuiltFrame.TEXT;
    int mask = ThreadLocalRandom.current().nextInt();
    this.frames = new PrebuiltFrame[EchoBody.variants(settings.size())];
    for (int i = 0; i < frames.length; i++) {
      byte[] body = EchoBody.of(settings.size(), i);
      frames[i] =
          client.deflate()
              ? PrebuiltFrame.deflated(opcode, body, DEFLATE_LEVEL, mask)
              : PrebuiltFrame.of(opcode, body, mask);
    }
    this.messageLength = settings.size();
  }

  /** The share of the server's messages that came compressed, on a deflate run; null otherwise. */
  private Double compressedShare() {
    if (!client.deflate()) {
      return null;
    }
    long[] counts = client.receivedMessagesAndCompressed();
    return counts[0] == 0 ? null : Summary.round((double) counts[1] / counts[0]);
  }

  /** Bytes of all variants on the wire over their bytes uncompressed. */
  private double wireRatio() {
    long wire = 0;
    for (PrebuiltFrame f : frames) {
      wire += f.wire().readableBytes();
    }
    return (double) wire / ((long) frames.length * messageLength);
  }

  /** Runs to the end and returns the summary. */
  @Override
  public Summary run() {
    LoadSettings load = settings.load();
    Connections connections = new Connections();
    List<EchoSession> sessions = new ArrayList<>();
    AtomicInteger made = new AtomicInteger();
    ConnectionOpener opener =
        ConnectionOpener.of(
            client,
            load,
            load.connections(),
            ConnectionOpener.collecting(
                sessions, () -> new EchoSession(this, settings.pipeline(), made.getAndIncrement())),
            connections);
    OpenPhase.run(opener, load.connections(), load.openTimeout(), progress, "connections");
    Set<String> extensions = new TreeSet<>();
    synchronized (sessions) {
      sessions.forEach(session -> session.extensions().ifPresent(extensions::add));
    }
    long refused = opener.failures().snapshot().getOrDefault(DeflateRefusedException.REASON, 0L);
    if (refused > 0) {
      connections.closeAll(Duration.ofSeconds(2));
      return refusedDeflate(load, opener, refused);
    }

    long start = System.nanoTime();
    synchronized (sessions) {
      sessions.forEach(EchoSession::start);
    }
    long warmupEnd = start + settings.warmup().toNanos();
    long end = warmupEnd + settings.duration().toNanos();
    CpuMeter cpu = new CpuMeter(load.serverPid());
    boolean measuring = settings.warmup().isZero();
    if (measuring) {
      cpu.start();
      latency.startMeasuring();
    }
    long measuredFrom = start;
    long countFrom = 0;
    long lastTick = start;
    long lastCount = 0;
    long nextTick = start + 1_000_000_000L;
    while (true) {
      long wake = Math.min(nextTick, measuring ? end : warmupEnd);
      Progress.sleepUntil(wake);
      long now = System.nanoTime();
      if (!measuring && now >= warmupEnd) {
        cpu.start();
        latency.startMeasuring();
        measuring = true;
        countFrom = echoes.sum();
        measuredFrom = now;
      }
      if (now >= nextTick) {
        long count = echoes.sum();
        LatencySummary l = latency.interval();
        progress.line(
            Progress.rate((count - lastCount) * 1e9 / (now - lastTick))
                + " msg/s  rtt "
                + l.line()
                + "  open "
                + connections.openCount()
                + (measuring ? "" : "  (warm-up)"));
        lastCount = count;
        lastTick = now;
        nextTick += 1_000_000_000L;
      }
      if (measuring && now >= end) {
        break;
      }
    }
    stopping = true;
    cpu.stop();
    long measuredTo = System.nanoTime();
    long measured = echoes.sum() - countFrom;
    LatencySummary rtt = latency.total();

    long drainEnd = System.nanoTime() + settings.drain().toNanos();
    while (sent.sum() > echoes.sum() && System.nanoTime() < drainEnd) {
      Progress.sleepUntil(System.nanoTime() + 10_000_000L);
    }
    long unanswered = sent.sum() - echoes.sum();
    connections.closeAll(Duration.ofSeconds(2));

    double seconds = (measuredTo - measuredFrom) / 1e9;
    double perSecond = measured / seconds;
    Summary s =
        new Summary(
            "echo",
            "echo "
                + load.target()
                + ": "
                + load.connections()
                + " connections, "
                + settings.size()
                + "-byte "
                + (settings.binary() ? "binary" : "text")
                + " messages, pipeline "
                + settings.pipeline());
    s.json("url", load.target().toString())
        .json("transport", client.transport())
        .value("connections", "connections", (long) opener.opened())
        .value("failedConnections", "failed connections", opener.failed())
        .failures("connectFailures", "connect failures", opener.failures().snapshot())
        .json("size", settings.size())
        .json("pipeline", settings.pipeline())
        .json("deflate", client.deflate())
        .json("extensions", String.join(" | ", extensions))
        .text("extensions", extensions.isEmpty() ? "none" : String.join(" | ", extensions))
        .json("variants", frames.length)
        .json("serverCompressedShare", compressedShare())
        .json("clientWireRatio", Summary.round(wireRatio()))
        .value("seconds", "measured", Summary.round(seconds), "s")
        .value("messages", "messages", measured)
        .value("messagesPerSecond", "messages/s", Summary.round(perSecond))
        .value(
            "megabytesPerSecond",
            "payload MB/s each way",
            Summary.round(perSecond * settings.size() / 1e6))
        .latency("rttMs", "round trip", rtt);
    cpu.addTo(s, measured, "message");
    s.value("otherMessages", "other messages", other.sum())
        .value("unanswered", "unanswered at end", unanswered)
        .failures(
            "unexpectedCloses", "unexpected closes", connections.unexpectedCloses().snapshot());
    boolean ok =
        opener.failed() == 0
            && opener.opened() == load.connections()
            && unanswered == 0
            && connections.unexpectedCloses().total() == 0
            && measured > 0;
    s.value("ok", "clean run", ok);
    return s;
  }

  /** The summary of a run that stopped because servers refused permessage-deflate. */
  private Summary refusedDeflate(LoadSettings load, ConnectionOpener opener, long refused) {
    Summary s =
        new Summary(
            "echo",
            "echo "
                + load.target()
                + ": "
                + refused
                + " of "
                + load.connections()
                + " connections: the "
                + DeflateRefusedException.REASON
                + "; nothing measured");
    s.json("url", load.target().toString())
        .json("deflate", true)
        .json("error", DeflateRefusedException.REASON)
        .value("connections", "connections", (long) opener.opened())
        .value("failedConnections", "failed connections", opener.failed())
        .failures("connectFailures", "connect failures", opener.failures().snapshot())
        .value("messages", "messages", 0L)
        .value("ok", "clean run", false);
    return s;
  }
}
