package dev.pushwire.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@code pushwire} program from the runnable jar ({@link NodeProcess#jar()}) that is
 * expected to end by itself ({@code serve --daemon}, {@code status}, {@code stop}): its exit status
 * and what it printed. Output goes through files, not pipes, so that a background child that
 * inherited nothing keeps no pipe of the test open.
 *
 * @param status the exit status
 * @param out standard output
 * @param err standard error
 */
record ProgramRun(int status, String out, String err) {
  /**
   * Starts the program with SIGINT and SIGTERM at their defaults, whatever the test JVM inherited:
   * Maven started as a background job of a script or under {@code nohup ... &} has SIGINT ignored,
   * and every process it starts would inherit that (the node keeps an ignored signal ignored; see
   * {@code ShutdownSignals}). The tests of that case ask for it explicitly.
   */
  static final List<String> DEFAULT_SIGNALS = List.of("env", "--default-signal=INT,TERM");

  /** JVM options that make the short-lived test processes start quicker. */
  static final List<String> JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  /** Runs {@code pushwire args} in {@code dir}, waiting up to {@code timeout}. */
  static ProgramRun run(Path dir, Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(DEFAULT_SIGNALS);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(NodeProcess.jar().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "pushwire "
              + String.join(" ", args)
              + " did not end within "
              + timeout
              + "; out: "
              + read(out)
              + " err: "
              + read(err));
    }
    return new ProgramRun(p.exitValue(), read(out), read(err));
  }

  /**
   * Starts {@code pushwire args} in {@code dir} without waiting, its standard output and error
   * appended to {@code log} (a file survives the process, unlike a pipe's last lines).
   */
  static Process spawn(Path dir, Path log, String... args) throws Exception {
    return spawn(DEFAULT_SIGNALS, dir, log, args);
  }

  /**
   * {@link #spawn(Path, Path, String...)} with the signal dispositions {@code signals} sets up (a
   * command that ends by running the rest of its command line, such as {@code env
   * --ignore-signal=INT}).
   */
  static Process spawn(List<String> signals, Path dir, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(signals);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(NodeProcess.jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    return pb.start();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Whether process {@code pid} runs: it exists and is not a zombie waiting to be reaped (the
   * daemon's parent has exited, so reaping is up to the system).
   */
  static boolean isRunning(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  @Override
  public String toString() {
    return "exit " + status + "\nout: " + out + "\nerr: " + err;
  }
}
