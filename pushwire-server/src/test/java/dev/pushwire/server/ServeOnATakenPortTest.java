package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.server.cli.PushwireCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code pushwire serve} on a port that is taken says so in one line and exits with status 1. */
@Timeout(120)
class ServeOnATakenPortTest {
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
}
