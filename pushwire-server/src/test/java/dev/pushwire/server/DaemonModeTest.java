package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pushwire serve --daemon}, {@code status} and {@code stop} as separate processes, the way
 * an operator or an init script runs them: the daemon returns once it listens and leaves a pid
 * file; status reports it with its connections; stop drains it (clients get 1001) and it exits and
 * removes its pid file; a second start is refused while it runs; a stale pid file is replaced.
 */
@Timeout(180)
class DaemonModeTest {
  private static final Duration RUN = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern BACKGROUND = Pattern.compile("in the background as pid (\\d+)");

  @TempDir Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Long> daemons = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    for (long pid : daemons) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private ProgramRun startDaemon(String pidFile, String... more) throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "serve",
            "--daemon",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--api-key",
            TestNodes.KEY,
            "--pid-file",
            pidFile,
            "--log-file",
            "node.log",
            "--warmup-connections",
            "0"));
    args.addAll(List.of(more));
    ProgramRun run = ProgramRun.run(dir, RUN, args.toArray(String[]::new));
    Matcher m = BACKGROUND.matcher(run.out());
    if (m.find()) {
      daemons.add(Long.parseLong(m.group(1)));
    }
    return run;
  }

  private List<String> pidFileLines(String name) throws Exception {
    return Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void startStatusStopAndASecondStartIsRefused() throws Exception {
    ProgramRun start = startDaemon("node.pid");
    assertThat(start.status()).as("%s", start).isZero();
    assertThat(start.out()).contains("listening on 127.0.0.1:");
    long pid = daemons.get(0);

    List<String> pidFile = pidFileLines("node.pid");
    assertThat(pidFile.get(0)).isEqualTo(Long.toString(pid));
    assertThat(pidFile.get(1)).startsWith("http://127.0.0.1:");
    assertThat(ProgramRun.isRunning(pid)).isTrue();
    String ws = pidFile.get(1).replace("http://", "ws://");
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      JdkWebSocketClient c = JdkWebSocketClient.connect(ws + "/?channel=ops");
      resources.add(c);
      clients.add(c);
    }

    ProgramRun status = ProgramRun.run(dir, RUN, "status", "--pid-file", "node.pid");
    assertThat(status.status()).as("%s", status).isZero();
    assertThat(status.out())
        .startsWith("running")
        .contains("pid:         " + pid)
        .contains("uptime:")
        .contains("ready:       ready")
        .contains("connections: 2");

    ProgramRun again = startDaemon("node.pid");
    assertThat(again.status()).as("%s", again).isEqualTo(1);
    assertThat(again.err())
        .contains("pushwire is already running as pid " + pid)
        .contains("pushwire stop --pid-file");
    assertThat(pidFileLines("node.pid").get(0)).isEqualTo(Long.toString(pid));

    ProgramRun stop = ProgramRun.run(dir, RUN, "stop", "--pid-file", "node.pid");
    assertThat(stop.status()).as("%s", stop).isZero();
    assertThat(stop.out()).contains("stopped");
    for (JdkWebSocketClient c : clients) {
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(1001);
    }
    assertThat(ProgramRun.isRunning(pid)).as("the daemon is gone").isFalse();
    assertThat(dir.resolve("node.pid")).doesNotExist();
    assertThat(Files.readString(dir.resolve("node.log")))
        .contains("received SIGTERM: draining")
        .contains("removed its connection records from the registry");

    ProgramRun after = ProgramRun.run(dir, RUN, "status", "--pid-file", "node.pid");
    assertThat(after.status()).as("%s", after).isEqualTo(3);
    assertThat(after.out()).startsWith("stopped");
    ProgramRun stopAgain = ProgramRun.run(dir, RUN, "stop", "--pid-file", "node.pid");
    assertThat(stopAgain.status()).as("%s", stopAgain).isEqualTo(3);
  }

  @Test
  void aStalePidFileIsReplaced() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long deadPid = gone.pid();
    Files.writeString(dir.resolve("stale.pid"), deadPid + "\nhttp://127.0.0.1:1\n");

    ProgramRun status = ProgramRun.run(dir, RUN, "status", "--pid-file", "stale.pid");
    assertThat(status.status()).as("%s", status).isEqualTo(3);
    assertThat(status.out()).contains("stale pid file");

    ProgramRun start = startDaemon("stale.pid");
    assertThat(start.status()).as("%s", start).isZero();
    long pid = daemons.get(0);
    assertThat(pid).isNotEqualTo(deadPid);
    assertThat(pidFileLines("stale.pid").get(0)).isEqualTo(Long.toString(pid));

    ProgramRun stop = ProgramRun.run(dir, RUN, "stop", "--pid-file", "stale.pid");
    assertThat(stop.status()).as("%s", stop).isZero();
    assertThat(dir.resolve("stale.pid")).doesNotExist();
  }

  @Test
  void aDaemonThatCannotListenFailsTheStartWithItsError() throws Exception {
    try (PushwireNode taken = TestNodes.start(TestNodes.config().build())) {
      ProgramRun start =
          ProgramRun.run(
              dir,
              RUN,
              "serve",
              "--daemon",
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(taken.port()),
              "--pid-file",
              "taken.pid",
              "--log-file",
              "taken.log");
      assertThat(start.status()).as("%s", start).isEqualTo(1);
      assertThat(start.err())
          .contains("cannot listen on 127.0.0.1:" + taken.port())
          .contains("the background process exited with status 1 before it was ready");
      assertThat(dir.resolve("taken.pid")).doesNotExist();
    }
  }
}
