package dev.pushwire.server.internal.daemon;

import dev.pushwire.server.internal.config.DurationText;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts {@code pushwire serve} in the background. A JVM cannot fork itself, so this runs the same
 * Java command again (same runtime, JVM options and jar or class path; the same arguments without
 * {@code --daemon}, plus {@link #CHILD_FLAG}) as a detached child: in a session of its own through
 * {@code setsid} (so the terminal's hang-up does not reach it), with standard input from {@code
 * /dev/null} and standard output and error appended to the log file. Then it waits until the child
 * has written its pid file, which the child does only once it listens, or has died.
 */
public final class DaemonLauncher {
  /** The hidden flag that tells {@code serve} it is the background child. */
  public static final String CHILD_FLAG = "--daemon-child";

  /** The flag the parent removes. */
  public static final String DAEMON_FLAG = "--daemon";

  /** How long the parent waits for the child to listen. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final int MAX_ECHO_BYTES = 64 * 1024;

  private final PidFile pidFile;
  private final Path logFile;
  private final PrintWriter out;
  private final PrintWriter err;

  /**
   * A launcher whose child writes {@code pidFile} and logs to {@code logFile}; what the child
   * printed while starting is copied to {@code out}, failures to {@code err}.
   */
  public DaemonLauncher(PidFile pidFile, Path logFile, PrintWriter out, PrintWriter err) {
    this.pidFile = pidFile;
    this.logFile = logFile.toAbsolutePath().normalize();
    this.out = out;
    this.err = err;
  }

  /**
   * Starts the child with {@code args} (the program's arguments as given, {@code serve} and its
   * options) and waits until it listens.
   *
   * @return 0 when it listens; its exit status when it died first (at least 1); 1 when it could not
   *     be started or did not listen within {@link #START_TIMEOUT}
   */
  public int launch(List<String> args) throws InterruptedException {
    Optional<Path> setsid = findSetsid();
    if (setsid.isEmpty()) {
      err.println(
          "error: --daemon needs the setsid program (util-linux), which is not on the PATH;"
              + " install it, or run 'pushwire serve' in the foreground under a supervisor such"
              + " as systemd (see docs/OPERATIONS.md)");
      err.flush();
      return 1;
    }
    long logOffset;
    try {
      Path dir = logFile.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (!Files.exists(logFile)) {
        Files.createFile(logFile);
      }
      logOffset = Files.size(logFile);
    } catch (IOException e) {
      err.println("error: cannot write log file " + logFile + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    List<String> command = new ArrayList<>();
    command.add(setsid.get().toString());
    command.addAll(javaCommand());
    command.addAll(childArguments(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectErrorStream(true);
    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      err.println("error: cannot start the background process: " + e.getMessage());
      err.flush();
      return 1;
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PidFile.Entry> entry = readPidFile();
      if (entry.isPresent() && isChild(child, entry.get().pid())) {
        echo(logText(logOffset));
        out.println(
            "pushwire: running in the background as pid "
                + entry.get().pid()
                + " (log: "
                + logFile
                + ", pid file: "
                + pidFile.path()
                + ")");
        out.println("  stop it with: pushwire stop --pid-file " + pidFile.path());
        out.flush();
        return 0;
      }
      if (!child.isAlive()) {
        int status = child.exitValue();
        err.print(logText(logOffset));
        err.println(
            "error: the background process exited with status "
                + status
                + " before it was ready (log: "
                + logFile
                + ")");
        err.flush();
        return Math.max(status, 1);
      }
      Thread.sleep(50);
    }
    child.destroy();
    err.print(logText(logOffset));
    err.println(
        "error: the background process did not listen within "
            + DurationText.format(START_TIMEOUT)
            + "; stopped it (log: "
            + logFile
            + ")");
    err.flush();
    return 1;
  }

  /** {@code args} without {@link #DAEMON_FLAG}, with {@link #CHILD_FLAG} after {@code serve}. */
  static List<String> childArguments(List<String> args) {
    List<String> out = new ArrayList<>();
    boolean added = false;
    for (String a : args) {
      if (a.equals(DAEMON_FLAG) || a.startsWith(DAEMON_FLAG + "=")) {
        continue;
      }
      out.add(a);
      if (!added && a.equals("serve")) {
        out.add(CHILD_FLAG);
        added = true;
      }
    }
    if (!added) {
      out.add(CHILD_FLAG);
    }
    return out;
  }

  /** The command that started this JVM: the runtime, its options, and the jar or class path. */
  static List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(java);
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    String classPath = System.getProperty("java.class.path", "");
    String javaCommand = System.getProperty("sun.java.command", "");
    if (!classPath.isEmpty()
        && !classPath.contains(File.pathSeparator)
        && classPath.endsWith(".jar")
        && javaCommand.startsWith(classPath)) {
      // Started with -jar: so again, which keeps the jar manifest's settings.
      command.add("-jar");
      command.add(classPath);
    } else {
      command.add("-cp");
      command.add(classPath);
      command.add("dev.pushwire.server.cli.Main");
    }
    return command;
  }

  private Optional<PidFile.Entry> readPidFile() {
    try {
      return pidFile.read();
    } catch (RuntimeException e) {
      return Optional.empty(); // being written: the rename makes the next read whole
    }
  }

  /** Whether {@code pid} is the child or one of its descendants (if setsid had to fork). */
  private static boolean isChild(Process child, long pid) {
    return child.pid() == pid || child.descendants().anyMatch(p -> p.pid() == pid);
  }

  private void echo(String text) {
    out.print(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.println();
    }
  }

  /** What the child appended to the log since {@code offset} (its last 64 KiB at most). */
  private String logText(long offset) {
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long start = Math.max(offset, f.length() - MAX_ECHO_BYTES);
      byte[] bytes = new byte[(int) Math.max(0, f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")\n";
    }
  }

  private static Optional<Path> findSetsid() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "setsid"));
        }
      }
    }
    candidates.add(Path.of("/usr/bin/setsid"));
    candidates.add(Path.of("/bin/setsid"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }
}
