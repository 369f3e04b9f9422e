package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

  private static String run(int expectedStatus, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = BenchCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int status = cmd.execute(args);
    assertThat(status)
        .as("exit status; stderr: %s; stdout: %s", err, out)
        .isEqualTo(expectedStatus);
    return out.toString();
  }

  @Test
  void echoAnswersEveryMessageAndIgnoresTheGreeting() {
    int port = start(false);
    String json =
        run(
            BenchCommand.EXIT_OK,
            "echo",
            "--url",
            "ws://127.0.0.1:" + port + "/",
            "-c",
            "10",
            "-s",
            "512",
            "--pipeline",
            "2",
            "--warmup",
            "0s",
            "--duration",
            "1s",
            "--json",
            "-q");
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
        run(
            BenchCommand.EXIT_OK,
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/?channel=x",
            "-c",
            "10",
            "--rate",
            "200",
            "--publish",
            "ws",
            "--warmup",
            "0s",
            "--duration",
            "1s",
            "--settle",
            "200ms",
            "--json",
            "-q");
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
        run(
            BenchCommand.EXIT_OK,
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/",
            "-c",
            "10",
            "--rate",
            "max",
            "--window",
            "8",
            "--warmup",
            "0s",
            "--duration",
            "1s",
            "--settle",
            "200ms",
            "--json",
            "-q");
    assertThat(json).contains("\"noLoss\":true").contains("\"ok\":true");
  }

  @Test
  void fanoutOverPipelinedHttpLosesNothing() {
    int port = start(true);
    // POST {"channel":"x","data":"PAYLOAD"}: broadcasts PAYLOAD. The payload is plain ASCII without
    // quotes or escapes, so taking the text between the last pair of quotes is enough here.
    server.onRequest(
        (srv, exchange) -> {
          String body = new String(exchange.request().body(), StandardCharsets.UTF_8);
          int end = body.lastIndexOf('"');
          int start = body.lastIndexOf('"', end - 1);
          srv.broadcast(body.substring(start + 1, end));
          exchange.respond(HttpResponse.json(200, "{}"));
        });
    String json =
        run(
            BenchCommand.EXIT_OK,
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/?channel=x",
            "-c",
            "10",
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
            "--warmup",
            "0s",
            "--duration",
            "30s",
            "--settle",
            "200ms",
            "--json",
            "-q");
    assertThat(json)
        .contains("(pipeline 8)")
        .contains("\"published\":300")
        .contains("\"deliveries\":3000")
        .contains("\"noLoss\":true")
        .contains("\"ok\":true");
  }
}
