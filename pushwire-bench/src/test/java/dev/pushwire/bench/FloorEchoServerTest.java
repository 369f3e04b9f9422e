package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.bench.internal.FloorEchoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The plain Netty floor answers every message of a short {@code echo} run, on either transport. */
class FloorEchoServerTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void answersEveryMessage(boolean epoll) throws Exception {
    try (FloorEchoServer server = FloorEchoServer.start("127.0.0.1", 0, epoll)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cmd = BenchCommand.commandLine();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      int status =
          cmd.execute(
              "echo",
              "--url",
              "ws://127.0.0.1:" + server.port() + "/?x=1",
              "-c",
              "10",
              "-s",
              "1024",
              "--warmup",
              "0s",
              "--duration",
              "1s",
              "--json",
              "-q");
      assertThat(status).as("stderr: %s", err).isEqualTo(BenchCommand.EXIT_OK);
      assertThat(out.toString())
          .contains("\"connections\":10")
          .contains("\"unanswered\":0")
          .contains("\"ok\":true")
          .doesNotContain("\"messages\":0,");
    }
  }
}
