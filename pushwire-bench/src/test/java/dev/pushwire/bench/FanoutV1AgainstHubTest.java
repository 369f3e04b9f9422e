package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Short real runs of {@code fanout --v1} against a Pushwire hub in this JVM: the subscribers
 * subscribe with {@code pushwire.v1} and receive every publication once, with consecutive offsets,
 * whether it was published on a socket or with HTTP requests (as `pushwire serve` takes them).
 */
class FanoutV1AgainstHubTest {
  private WebSocketServer server;
  private Hub hub;
  private int port;

  @BeforeEach
  void start() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .paths("/*")
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    hub = Hub.create(server, HubConfig.DEFAULT);
    // A publisher socket as `pushwire serve` has one: its text messages are published, as text.
    hub.manages(c -> !c.path().startsWith("/publish"));
    hub.onMessage((srv, msg) -> hub.publishText("x", msg.text()));
    server.onRequest(
        (srv, exchange) ->
            hub.publishText("x", BenchRuns.publishedPayload(exchange.request().body()))
                .whenComplete(
                    (r, e) -> exchange.respond(HttpResponse.json(e == null ? 200 : 500, "{}"))));
    port = server.start();
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void v1SubscribersGetEveryPublicationFromASocketWithConsecutiveOffsets() {
    String json =
        BenchRuns.runJson(
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/?channel=x",
            "-c",
            "10",
            "--v1",
            "--rate",
            "200",
            "--publish",
            "ws=ws://127.0.0.1:" + port + "/publish",
            "--duration",
            "1s",
            "--settle",
            "200ms");
    assertThat(json)
        .contains("\"protocol\":\"pushwire.v1\"")
        .contains("\"subscribers\":10")
        .contains("\"published\":200")
        .contains("\"deliveries\":2000")
        .contains("\"offsetsSkipped\":0")
        .contains("\"offsetErrors\":{}")
        .contains("\"told\":{}")
        .contains("\"otherMessages\":0")
        .contains("\"noLoss\":true")
        .contains("\"ok\":true");
  }

  @Test
  void v1SubscribersGetEveryPublicationFromPipelinedHttp() {
    String json =
        BenchRuns.runJson(
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/?channel=x",
            "-c",
            "10",
            "--v1",
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
            "--duration",
            "30s",
            "--settle",
            "200ms");
    assertThat(json)
        .contains("\"published\":300")
        .contains("\"deliveries\":3000")
        .contains("\"offsetsSkipped\":0")
        .contains("\"noLoss\":true")
        .contains("\"ok\":true");
  }

  @Test
  void v1AndSocketIoExcludeEachOther() {
    String out =
        BenchRuns.run(
            BenchCommand.EXIT_USAGE,
            "fanout",
            "--url",
            "ws://127.0.0.1:" + port + "/",
            "--v1",
            "--socketio");
    assertThat(out).isEmpty();
  }
}
