package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub on a real {@link WebSocketServer}, with the JDK's WebSocket client (code this project did
 * not write) as plain and {@code pushwire.v1} clients.
 */
class HubEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebSocketServer server;
  private Hub hub;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();
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
    Client plain = connect("/?channel=news", null);
    Client v1 = connect("/", Hub.SUBPROTOCOL);
    v1.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    JsonNode reply = JSON.readTree(v1.next());
    assertThat(reply.get("id").asInt()).isEqualTo(1);
    assertThat(reply.get("result").get("recovered").asBoolean()).isFalse();
    awaitTrue(() -> hub.subscribers("news").size() == 2);

    PublishResult r = hub.publishText("news", "hello").toCompletableFuture().get();
    hub.publish("news", "{\"n\":2}").toCompletableFuture().get();

    assertThat(plain.next()).isEqualTo("hello");
    assertThat(plain.next()).isEqualTo("{\"n\":2}");
    assertThat(v1.next())
        .isEqualTo(
            "{\"channel\":\"news\",\"offset\":1,\"epoch\":\""
                + r.epoch()
                + "\",\"data\":\"hello\"}");
    assertThat(JSON.readTree(v1.next()).get("data").get("n").asInt()).isEqualTo(2);
  }

  @Test
  void plainClientWithoutChannelIsOnDefaultAndLeavesPresenceOnClose() throws Exception {
    Client a = connect("/", null);
    connect("/", null);
    awaitTrue(() -> hub.subscribers("default").size() == 2);
    hub.publishText("default", "to all").toCompletableFuture().get();
    assertThat(a.next()).isEqualTo("to all");
    assertThat(hub.presenceStats("default").toCompletableFuture().get().connections()).isEqualTo(2);

    a.ws.sendClose(1000, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue(() -> hub.subscribers("default").size() == 1);
    assertThat(hub.presenceStats("default").toCompletableFuture().get().connections()).isEqualTo(1);
    assertThat(hub.connections().toCompletableFuture().get()).hasSize(1);
  }

  @Test
  void v1ClientRecoversWhatItMissedAfterReconnecting() throws Exception {
    Client first = connect("/", Hub.SUBPROTOCOL);
    first.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    String epoch = JSON.readTree(first.next()).get("result").get("epoch").asText();
    hub.publishText("news", "m1").toCompletableFuture().get();
    assertThat(JSON.readTree(first.next()).get("offset").asLong()).isEqualTo(1);
    first.ws.abort();
    awaitTrue(() -> hub.subscribers("news").isEmpty());

    hub.publishText("news", "m2").toCompletableFuture().get();
    hub.publishText("news", "m3").toCompletableFuture().get();

    Client second = connect("/", Hub.SUBPROTOCOL);
    second.send(
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":1,\"epoch\":\""
            + epoch
            + "\"}}");
    JsonNode reply = JSON.readTree(second.next());
    assertThat(reply.get("result").get("recovered").asBoolean()).isTrue();
    assertThat(JSON.readTree(second.next()).get("data").asText()).isEqualTo("m2");
    assertThat(JSON.readTree(second.next()).get("data").asText()).isEqualTo("m3");
    hub.publishText("news", "m4").toCompletableFuture().get();
    JsonNode live = JSON.readTree(second.next());
    assertThat(live.get("offset").asLong()).isEqualTo(4);
  }

  @Test
  void garbageClosesTheConnectionWith1008() throws Exception {
    Client v1 = connect("/", Hub.SUBPROTOCOL);
    for (int i = 0; i < HubConfig.DEFAULT_MAX_GARBAGE_COMMANDS; i++) {
      v1.send("not json");
      assertThat(JSON.readTree(v1.next()).get("error").get("code").asText())
          .isEqualTo("bad_request");
    }
    assertThat(v1.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1008);
  }

  // ---- a small JDK client -----------------------------------------------------------------

  private Client connect(String pathAndQuery, String subprotocol) throws Exception {
    Client client = new Client();
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (subprotocol != null) {
      builder.subprotocols(subprotocol);
    }
    client.ws =
        builder
            .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), client)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    sockets.add(client.ws);
    return client;
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(10);
    }
  }

  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    void send(String text) throws Exception {
      ws.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
      String s = texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("no message within " + WAIT);
      }
      return s;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
