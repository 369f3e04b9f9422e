package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.bench.internal.FloorEchoServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain Netty floor answers every message of a short {@code echo} run, on either transport. */
class FloorEchoServerTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void answersEveryMessage(boolean epoll) throws Exception {
    try (FloorEchoServer server = FloorEchoServer.start("127.0.0.1", 0, epoll)) {
      String json =
          BenchRuns.runJson(
              "echo",
              "--url",
              "ws://127.0.0.1:" + server.port() + "/?x=1",
              "-c",
              "10",
              "-s",
              "1024",
              "--duration",
              "1s");
      assertThat(json)
          .contains("\"connections\":10")
          .contains("\"unanswered\":0")
          .contains("\"ok\":true")
          .doesNotContain("\"messages\":0,");
    }
  }
}
