package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub on a real {@link WebSocketServer}, with the JDK's WebSocket client (code this project did
 * not write) as plain and {@code pushwire.v1} clients.
 */
class HubEndToEndTest {
  private static final Duration WAIT = JdkWebSocketClient.WAIT;
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebSocketServer server;
  private Hub hub;
  private int port;
  private final List<WebSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    hub = Hub.create(server, HubConfig.newBuilder().nodeId("e2e").build());
    port = server.start();
  }

  @AfterEach
  void stop() {
    for (WebSocket ws : sockets) {
      ws.abort();
    }
    if (hub != null) {
      hub.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void plainAndV1ClientsReceivePublications() throws Exception {
    JdkWebSocketClient plain = connect("/?channel=news", null);
    JdkWebSocketClient v1 = connect("/", Hub.SUBPROTOCOL);
    v1.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    JsonNode reply = JSON.readTree(v1.nextText());
    assertThat(reply.get("id").asInt()).isEqualTo(1);
    assertThat(reply.get("result").get("recovered").asBoolean()).isFalse();
    awaitTrue(() -> hub.subscribers("news").size() == 2);
    assertThat(hub.subscriberCount("news")).isEqualTo(2);
    assertThat(hub.subscriberCount("nobody-here")).isZero();

    PublishResult r = hub.publishText("news", "hello").toCompletableFuture().get();
    hub.publish("news", "{\"n\":2}").toCompletableFuture().get();

    assertThat(plain.nextText()).isEqualTo("hello");
    assertThat(plain.nextText()).isEqualTo("{\"n\":2}");
    assertThat(v1.nextText())
        .isEqualTo(
            "{\"channel\":\"news\",\"offset\":1,\"epoch\":\""
                + r.epoch()
                + "\",\"data\":\"hello\"}");
    assertThat(JSON.readTree(v1.nextText()).get("data").get("n").asInt()).isEqualTo(2);
  }

  @Test
  void bytesThatAreNotUtf8FromAnotherPublisherArriveDecodedAsBefore() throws Exception {
    JdkWebSocketClient plain = connect("/?channel=raw", null);
    JdkWebSocketClient v1 = connect("/", Hub.SUBPROTOCOL);
    v1.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"raw\"}");
    v1.nextText();
    awaitTrue(() -> hub.subscribers("raw").size() == 2);

    // Not what the hub writes: a publisher that used the broker directly, with a stray byte.
    byte[] data = {'"', 'a', (byte) 0xFF, 'b', '"'};
    hub.broker().publish("raw", data, PublishOptions.DEFAULT).toCompletableFuture().get();
    hub.publish("raw", new ObjectMapper().readTree("{\"after\":\"caf\u00e9\"}"))
        .toCompletableFuture()
        .get();

    assertThat(plain.nextText()).isEqualTo("a\uFFFDb");
    assertThat(plain.nextText()).isEqualTo("{\"after\":\"caf\u00e9\"}");
    assertThat(JSON.readTree(v1.nextText()).get("data").asText()).isEqualTo("a\uFFFDb");
    assertThat(JSON.readTree(v1.nextText()).get("data").get("after").asText())
        .isEqualTo("caf\u00e9");
  }

  @Test
  void plainClientWithoutChannelIsOnDefaultAndLeavesPresenceOnClose() throws Exception {
    JdkWebSocketClient a = connect("/", null);
    connect("/", null);
    awaitTrue(() -> hub.subscribers("default").size() == 2);
    hub.publishText("default", "to all").toCompletableFuture().get();
    assertThat(a.nextText()).isEqualTo("to all");
    assertThat(hub.presenceStats("default").toCompletableFuture().get().connections()).isEqualTo(2);

    a.sendClose(1000, "bye");
    awaitTrue(() -> hub.subscribers("default").size() == 1);
    assertThat(hub.presenceStats("default").toCompletableFuture().get().connections()).isEqualTo(1);
    assertThat(hub.connections().toCompletableFuture().get()).hasSize(1);
  }

  @Test
  void v1ClientRecoversWhatItMissedAfterReconnecting() throws Exception {
    JdkWebSocketClient first = connect("/", Hub.SUBPROTOCOL);
    first.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    String epoch = JSON.readTree(first.nextText()).get("result").get("epoch").asText();
    hub.publishText("news", "m1").toCompletableFuture().get();
    assertThat(JSON.readTree(first.nextText()).get("offset").asLong()).isEqualTo(1);
    first.socket().abort();
    awaitTrue(() -> hub.subscribers("news").isEmpty());
    assertThat(hub.subscriberCount("news")).isZero();

    hub.publishText("news", "m2").toCompletableFuture().get();
    hub.publishText("news", "m3").toCompletableFuture().get();

    JdkWebSocketClient second = connect("/", Hub.SUBPROTOCOL);
    second.send(
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":1,\"epoch\":\""
            + epoch
            + "\"}}");
    JsonNode reply = JSON.readTree(second.nextText());
    assertThat(reply.get("result").get("recovered").asBoolean()).isTrue();
    assertThat(JSON.readTree(second.nextText()).get("data").asText()).isEqualTo("m2");
    assertThat(JSON.readTree(second.nextText()).get("data").asText()).isEqualTo("m3");
    hub.publishText("news", "m4").toCompletableFuture().get();
    JsonNode live = JSON.readTree(second.nextText());
    assertThat(live.get("offset").asLong()).isEqualTo(4);
  }

  @Test
  void garbageClosesTheConnectionWith1008() throws Exception {
    JdkWebSocketClient v1 = connect("/", Hub.SUBPROTOCOL);
    for (int i = 0; i < HubConfig.DEFAULT_MAX_GARBAGE_COMMANDS; i++) {
      v1.send("not json");
      assertThat(JSON.readTree(v1.nextText()).get("error").get("code").asText())
          .isEqualTo("bad_request");
    }
    assertThat(v1.awaitClose(WAIT).code()).isEqualTo(1008);
  }

  // ---- the JDK client ----------------------------------------------------------------------

  private JdkWebSocketClient connect(String pathAndQuery, String subprotocol) {
    JdkWebSocketClient.Builder b = JdkWebSocketClient.to("ws://127.0.0.1:" + port + pathAndQuery);
    if (subprotocol != null) {
      b.subprotocols(subprotocol);
    }
    JdkWebSocketClient client = b.connect();
    sockets.add(client.socket());
    return client;
  }

  private static void awaitTrue(Callable<Boolean> condition) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(condition);
  }
}
