package dev.pushwire.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a process's resident set size from {@code /proc/PID/status} and its CPU time from {@code
 * /proc/PID/stat} (Linux).
 */
public final class ProcStatus {
  private ProcStatus() {}

  /** The resident set size of process {@code pid}, in bytes. */
  public static long rssBytes(long pid) {
    Path p = Path.of("/proc", Long.toString(pid), "status");
    String text;
    try {
      text = Files.readString(p, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no process " + pid + " (is the server running?)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
    }
    return parseRssBytes(text);
  }

  /** Clock ticks per second of {@code /proc/PID/stat} times: USER_HZ, 100 on Linux. */
  static final long TICKS_PER_SECOND = 100;

  /** The CPU time (user plus system, all threads) of process {@code pid}, in nanoseconds. */
  public static long cpuNanos(long pid) {
    long[] t = cpuTimes(pid);
    return t[0] + t[1];
  }

  /** The user and the system CPU time (all threads) of process {@code pid}, in nanoseconds. */
  public static long[] cpuTimes(long pid) {
    Path p = Path.of("/proc", Long.toString(pid), "stat");
    try {
      long[] ticks = parseCpuTimes(Files.readString(p, StandardCharsets.US_ASCII));
      long tick = 1_000_000_000L / TICKS_PER_SECOND;
      return new long[] {ticks[0] * tick, ticks[1] * tick};
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no process " + pid + " (is the server running?)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
    }
  }

  /**
   * The CPU time (user plus system) of the JIT compiler threads of JVM {@code pid} ({@code C1
   * CompilerThread*}, {@code C2 CompilerThread*}), in nanoseconds; 0 when there are none or they
   * cannot be read. Compiler threads that ended are no longer counted.
   */
  public static long jitCpuNanos(long pid) {
    long ticks = 0;
    try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          if (isJitThread(stat)) {
            ticks += parseCpuTicks(stat);
          }
        } catch (IOException | IllegalArgumentException e) {
          // The thread ended while we looked: it no longer counts.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** Whether a thread's {@code stat} text is that of a HotSpot JIT compiler thread. */
  static boolean isJitThread(String stat) {
    int open = stat.indexOf('(');
    return open >= 0
        && (stat.startsWith("C1 CompilerThre", open + 1)
            || stat.startsWith("C2 CompilerThre", open + 1));
  }

  /**
   * The {@code utime + stime} clock ticks of a {@code stat} file's text. The command name (field 2)
   * may hold spaces and parentheses, so fields are counted from its closing parenthesis.
   */
  public static long parseCpuTicks(String stat) {
    long[] t = parseCpuTimes(stat);
    return t[0] + t[1];
  }

  /** The {@code utime} and {@code stime} clock ticks of a {@code stat} file's text. */
  public static long[] parseCpuTimes(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: no command name");
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    if (f.length < 13) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: too few fields");
    }
    try {
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14, 15
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + e.getMessage());
    }
  }

  /** The {@code VmRSS} line of a {@code status} file's text, in bytes. */
  public static long parseRssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        long value;
        try {
          value = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("unreadable VmRSS line: '" + line + "'");
        }
        String unit = parts.length > 1 ? parts[1] : "kB";
        return switch (unit) {
          case "kB" -> value * 1024;
          case "mB", "MB" -> value * 1024 * 1024;
          case "B" -> value;
          default -> throw new IllegalArgumentException("unknown VmRSS unit: '" + line + "'");
        };
      }
    }
    throw new IllegalArgumentException(
        "no VmRSS line (a kernel thread, or not Linux /proc/PID/status)");
  }
}
