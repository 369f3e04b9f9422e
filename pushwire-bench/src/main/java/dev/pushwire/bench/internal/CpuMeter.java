package dev.pushwire.bench.internal;

/**
 * CPU time used by the server (when its pid is known) and by this generator over the measured part
 * of a run. On a machine that the two share, it shows who had the processors, and the server's CPU
 * per message stays meaningful when other work slows both down.
 */
public final class CpuMeter {
  private final long serverPid;
  private long serverStart;
  private long serverSystemStart;
  private long serverSystem = -1;
  private long serverJitStart;
  private long serverJit = -1;
  private long selfStart;
  private long wallStart;
  private long server = -1;
  private long self;
  private long wall;

  /** A meter for the server {@code serverPid} (0: unknown, only the generator is measured). */
  public CpuMeter(long serverPid) {
    this.serverPid = serverPid;
  }

  /** Starts measuring. */
  public void start() {
    wallStart = System.nanoTime();
    selfStart = ProcStatus.cpuNanos(ProcessHandle.current().pid());
    long[] t = serverPid > 0 ? read(serverPid) : null;
    serverStart = t == null ? -1 : t[0] + t[1];
    serverSystemStart = t == null ? -1 : t[1];
    serverJitStart = t == null ? 0 : ProcStatus.jitCpuNanos(serverPid);
  }

  /** Stops measuring. */
  public void stop() {
    wall = System.nanoTime() - wallStart;
    self = ProcStatus.cpuNanos(ProcessHandle.current().pid()) - selfStart;
    if (serverStart >= 0) {
      long[] t = read(serverPid);
      server = t == null ? -1 : t[0] + t[1] - serverStart;
      serverSystem = t == null ? -1 : t[1] - serverSystemStart;
      serverJit = t == null ? -1 : Math.max(0, ProcStatus.jitCpuNanos(serverPid) - serverJitStart);
    }
  }

  private static long[] read(long pid) {
    try {
      return ProcStatus.cpuTimes(pid);
    } catch (IllegalArgumentException e) {
      return null; // the server is gone; the run reports that on its own
    }
  }

  /**
   * Adds the server's and the generator's CPU use (percent of one processor) and, when the server
   * is known, its CPU time per {@code unit} ({@code count} of them were handled).
   */
  public void addTo(Summary s, long count, String unit) {
    if (server >= 0) {
      s.value(
          "serverCpuPercent", "server CPU", Summary.round(100.0 * server / wall), "% of a core");
      s.value(
          "serverSystemCpuPercent",
          "  of which in the kernel",
          Summary.round(100.0 * serverSystem / wall),
          "% of a core");
      // A JVM server that is still compiling (a short warm-up on a busy machine) spends much of
      // its CPU in the JIT compiler threads: without them the figure is steadier between runs.
      s.value(
          "serverJitCpuPercent",
          "  of which JIT compiling",
          Summary.round(100.0 * serverJit / wall),
          "% of a core");
      if (count > 0) {
        s.value(
            "serverCpuMicrosPerMessage",
            "server CPU per " + unit,
            Summary.round(server / 1000.0 / count),
            "µs");
        s.value(
            "serverCpuMicrosPerMessageWithoutJit",
            "  without JIT compiling",
            Summary.round((server - serverJit) / 1000.0 / count),
            "µs");
      }
    }
    s.value(
        "generatorCpuPercent", "generator CPU", Summary.round(100.0 * self / wall), "% of a core");
    if (count > 0) {
      s.value(
          "generatorCpuMicrosPerMessage",
          "generator CPU per " + unit,
          Summary.round(self / 1000.0 / count),
          "µs");
    }
  }
}
