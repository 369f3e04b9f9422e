package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.bench.internal.FloorEchoServer;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code echo --deflate}: against a server that accepts permessage-deflate every message is
 * answered, compressed, and the negotiated extension is reported; against one that does not, the
 * run fails at once and says why, instead of measuring plain frames.
 */
class EchoDeflateTest {
  private WebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(1));
    }
  }

  /** A pure echo configured as the EchoServer example is, compression as {@code deflate} says. */
  private int startEcho(boolean deflate) {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .paths("/*")
                .maxMessageSize(16 * 1024 * 1024)
                .compression(deflate)
                .build());
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.push(msg.connectionId(), msg.data());
          } else {
            srv.push(msg.connectionId(), msg.text());
          }
        });
    return server.start();
  }

  private static String echoDeflate(int port, int expectedStatus) {
    return BenchRuns.run(
        expectedStatus,
        "echo",
        "--url",
        "ws://127.0.0.1:" + port + "/",
        "-c",
        "10",
        "-s",
        "1024",
        "--deflate",
        "--duration",
        "1s",
        "--warmup",
        "0s",
        "--json",
        "-q");
  }

  @Test
  void deflateEchoAgainstPushwireAnswersEveryMessageCompressedAndReportsTheExtension() {
    String json = echoDeflate(startEcho(true), BenchCommand.EXIT_OK);
    assertThat(json)
        .contains("\"deflate\":true")
        .contains("\"extensions\":\"permessage-deflate")
        .contains("\"connections\":10")
        .contains("\"unanswered\":0")
        .contains("\"otherMessages\":0")
        // Every echo came back compressed: the server did compress, the client did inflate.
        .contains("\"serverCompressedShare\":1.0")
        .contains("\"ok\":true")
        .doesNotContain("\"messages\":0,");
  }

  @Test
  void deflateEchoAgainstTheNettyFloorWithDeflateAnswersEveryMessage() throws Exception {
    try (FloorEchoServer floor = FloorEchoServer.start("127.0.0.1", 0, false, true)) {
      String json = echoDeflate(floor.port(), BenchCommand.EXIT_OK);
      assertThat(json)
          .contains("\"extensions\":\"permessage-deflate")
          .contains("\"unanswered\":0")
          .contains("\"serverCompressedShare\":1.0")
          .contains("\"ok\":true");
    }
  }

  @Test
  void deflateEchoFailsClearlyAgainstAServerWithoutDeflate() {
    String json = echoDeflate(startEcho(false), BenchCommand.EXIT_UNCLEAN);
    assertThat(json)
        .contains("\"error\":\"server did not accept permessage-deflate\"")
        .contains("\"connectFailures\":{\"server did not accept permessage-deflate\":10}")
        .contains("\"messages\":0")
        .contains("\"ok\":false");
  }

  @Test
  void plainEchoStillWorksAgainstAServerOfferingDeflate() {
    String json =
        BenchRuns.runJson(
            "echo",
            "--url",
            "ws://127.0.0.1:" + startEcho(true) + "/",
            "-c",
            "5",
            "--duration",
            "1s");
    assertThat(json)
        .contains("\"deflate\":false")
        .contains("\"extensions\":\"\"")
        .contains("\"unanswered\":0")
        .contains("\"ok\":true");
  }
}
