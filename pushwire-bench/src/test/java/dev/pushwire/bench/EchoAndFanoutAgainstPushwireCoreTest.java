package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Short real runs of {@code echo} and {@code fanout --publish ws|http} against pushwire-core
 * servers in this JVM: every message is answered or delivered once, and the run reports itself
 * clean.
 */
class EchoAndFanoutAgainstPushwireCoreTest {
  private WebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(1));
    }
  }

  private int start(boolean broadcast) {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder().host("127.0.0.1").port(0).paths("/*").build());
    // A greeting first, as the classic echo server sends: the generator must not count it.
    server.onOpen((srv, conn) -> srv.push(conn.connectionId(), "Hey. " + conn.connectionId()));
    server.onMessage(
        (srv, msg) -> {
          if (broadcast) {
            srv.broadcast(msg.text());
          } else {
            srv.push(msg.connectionId(), msg.text());
          }
        });
    return server.start();
  }

  /** A {@code fanout} run of ten subscribers to {@code url}, with {@code options}. */
  private static String fanout(String url, String... options) {
    String[] args =
        Stream.concat(Stream.of("fanout", "--url", url, "-c", "10"), Arrays.stream(options))
            .toArray(String[]::new);
    return BenchRuns.runJson(args);
  }

  @Test
  void echoAnswersEveryMessageAndIgnoresTheGreeting() {
    int port = start(false);
    String json =
        BenchRuns.runJson(
            "echo",
            "--url",
            "ws://127.0.0.1:" + port + "/",
            "-c",
            "10",
            "-s",
            "512",
            "--pipeline",
            "2",
            "--duration",
            "1s");
    assertThat(json)
        .contains("\"mode\":\"echo\"")
        .contains("\"connections\":10")
        .contains("\"unanswered\":0")
        .contains("\"otherMessages\":10")
        .contains("\"ok\":true")
        .doesNotContain("\"messages\":0,");
  }

  @Test
  void fanoutOverAWebSocketPublisherLosesNothing() {
    int port = start(true);
    String json =
        fanout(
            "ws://127.0.0.1:" + port + "/?channel=x",
            "--rate",
            "200",
            "--publish",
            "ws",
            "--duration",
            "1s",
            "--settle",
            "200ms");
    assertThat(json)
        .contains("\"subscribers\":10")
        .contains("\"published\":200")
        .contains("\"deliveries\":2000")
        .contains("\"lost\":0")
        .contains("\"duplicates\":0")
        .contains("\"noLoss\":true")
        .contains("\"ok\":true");
  }

  @Test
  void fanoutAsFastAsDeliveredLosesNothing() {
    int port = start(true);
    String json =
        fanout(
            "ws://127.0.0.1:" + port + "/",
            "--rate",
            "max",
            "--window",
            "8",
            "--duration",
            "1s",
            "--settle",
            "200ms");
    assertThat(json).contains("\"noLoss\":true").contains("\"ok\":true");
  }

  @Test
  void fanoutOverPipelinedHttpLosesNothing() {
    int port = start(true);
    // POST {"channel":"x","data":"PAYLOAD"}: broadcasts PAYLOAD.
    server.onRequest(
        (srv, exchange) -> {
          srv.broadcast(BenchRuns.publishedPayload(exchange.request().body()));
          exchange.respond(HttpResponse.json(200, "{}"));
        });
    String json =
        fanout(
            "ws://127.0.0.1:" + port + "/?channel=x",
            "--rate",
            "max",
            "--window",
            "16",
            "--messages",
            "300",
            "--publish",
            "http=http://127.0.0.1:" + port + "/api/publish",
            "--http-connections",
            "2",
            "--http-pipeline",
            "8",
            "--duration",
            "30s",
            "--settle",
            "200ms");
    assertThat(json)
        .contains("(pipeline 8)")
        .contains("\"published\":300")
        .contains("\"deliveries\":3000")
        .contains("\"noLoss\":true")
        .contains("\"ok\":true");
  }
}
