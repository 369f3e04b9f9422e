package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.server.cli.PushwireCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pushwire serve} on a port that is taken says so in one line and exits with status 1. */
@Timeout(120)
class ServeOnATakenPortTest {
  @TempDir Path dir;

  @Test
  void oneLineAndStatus1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CommandLine cmd =
          PushwireCommand.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cmd.setOut(new PrintWriter(out));
      cmd.setErr(new PrintWriter(err));

      int status =
          cmd.execute(
              "serve",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(port),
              "--log-level",
              "warn");

      assertThat(status).isEqualTo(1);
      assertThat(out.toString()).isEmpty();
      assertThat(err.toString())
          .startsWith("error: cannot listen on 127.0.0.1:" + port + ": ")
          .hasLineCount(1);
    }
  }

  @Test
  void theProcessExitsAtOnceWithoutWaitingForADrain() throws Exception {
    // The signal handlers and the shutdown hook are in place before the node starts: a start that
    // fails must release the hook, or the JVM's exit would wait out the drain timeout (10 minutes
    // here, far beyond the 90 s the run may take).
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ProgramRun r =
          ProgramRun.run(
              dir,
              Duration.ofSeconds(90),
              "serve",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(taken.getLocalPort()),
              "--drain-timeout",
              "10m");

      assertThat(r.status()).as("%s", r).isEqualTo(1);
      assertThat(r.err())
          .contains("error: cannot listen on 127.0.0.1:")
          .doesNotContain("Exception");
    }
  }
}
