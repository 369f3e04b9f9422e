package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.WebSocketServer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The happy paths, seen through a client this project did not write: the JDK's {@link
 * java.net.http.WebSocket}.
 */
@Timeout(10)
class JdkClientInteropTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  @Test
  void textMessageIsEchoed() throws Exception {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    RecordingListener client = new RecordingListener();
    WebSocket ws = RecordingListener.connect(HTTP, server.port(), "/", client);

    ws.sendText("héllo wörld ✓", true).join();

    assertThat(client.nextMessage()).isEqualTo("héllo wörld ✓");
  }

  @Test
  void binaryMessageIsEchoed() throws Exception {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    RecordingListener client = new RecordingListener();
    WebSocket ws = RecordingListener.connect(HTTP, server.port(), "/", client);
    byte[] data = new byte[3000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }

    ws.sendBinary(ByteBuffer.wrap(data), true).join();

    assertThat((byte[]) client.nextMessage()).isEqualTo(data);
  }

  @Test
  void fragmentedTextIsDeliveredAsOneMessage() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    CompletableFuture<String> received = new CompletableFuture<>();
    server.onMessage((srv, m) -> received.complete(m.text()));
    server.start();
    RecordingListener client = new RecordingListener();
    WebSocket ws = RecordingListener.connect(HTTP, server.port(), "/", client);

    ws.sendText("one ", false).join();
    ws.sendText("two ", false).join();
    ws.sendText("three", true).join();

    assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("one two three");
  }

  @Test
  void clientCloseCodeAndReasonReachOnClose() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
    server.onClose((srv, e) -> closed.complete(e));
    server.start();
    RecordingListener client = new RecordingListener();
    WebSocket ws = RecordingListener.connect(HTTP, server.port(), "/", client);

    ws.sendClose(4321, "done here").join();

    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(4321);
    assertThat(event.reason()).isEqualTo("done here");
    assertThat(event.byServer()).isFalse();
    assertThat(client.awaitClose().code()).isEqualTo(4321);
  }

  @Test
  void serverDisconnectReachesClientWithCodeAndReason() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    CompletableFuture<Long> opened = new CompletableFuture<>();
    CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
    server.onOpen((srv, c) -> opened.complete(c.connectionId()));
    server.onClose((srv, e) -> closed.complete(e));
    server.start();
    RecordingListener client = new RecordingListener();
    RecordingListener.connect(HTTP, server.port(), "/", client);
    long id = opened.get(5, TimeUnit.SECONDS);

    assertThat(server.disconnect(id, 4000, "bye")).isTrue();

    assertThat(client.awaitClose()).isEqualTo(new RecordingListener.Closed(4000, "bye"));
    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(4000);
    assertThat(event.byServer()).isTrue();
  }

  @Test
  void subprotocolIsTheClientsFirstChoiceAmongTheServersList() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().subprotocols("v1", "v2", "v3").build());
    RecordingListener client = new RecordingListener();

    WebSocket ws =
        RecordingListener.connect(
            HTTP.newWebSocketBuilder().subprotocols("x-unknown", "v3", "v1"),
            server.port(),
            "/",
            client);

    assertThat(ws.getSubprotocol()).isEqualTo("v3");
  }

  @Test
  void handshakeListenerRejectionGivesItsStatus() {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onHandshake(req -> HandshakeDecision.reject(401, "token required"));
    server.start();

    Throwable failure =
        catchThrowable(
            () -> RecordingListener.connect(HTTP, server.port(), "/", new RecordingListener()));

    assertThat(failure).isInstanceOf(CompletionException.class);
    assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode())
        .isEqualTo(401);
  }

  @Test
  void connectionInfoDescribesTheUpgradeRequest() throws Exception {
    WebSocketServer server =
        servers.create(LoopbackServers.settings().paths("/chat").subprotocols("chat.v1").build());
    CompletableFuture<ConnectionInfo> opened = new CompletableFuture<>();
    server.onOpen((srv, c) -> opened.complete(c));
    server.start();
    Instant before = Instant.now().minusSeconds(1);

    RecordingListener.connect(
        HTTP.newWebSocketBuilder().header("X-Tenant", "acme").subprotocols("chat.v1"),
        server.port(),
        "/chat?room=lobby&tag=a&tag=b",
        new RecordingListener());

    long id = opened.get(5, TimeUnit.SECONDS).connectionId();
    ConnectionInfo info = server.connectionInfo(id).orElseThrow();
    assertThat(info.connectionId()).isEqualTo(id);
    assertThat(info.path()).isEqualTo("/chat");
    assertThat(info.query()).isEqualTo(Map.of("room", List.of("lobby"), "tag", List.of("a", "b")));
    assertThat(info.queryParam("room")).isEqualTo("lobby");
    assertThat(info.headers()).containsEntry("x-tenant", List.of("acme"));
    assertThat(info.header("X-Tenant")).isEqualTo("acme");
    assertThat(info.header("sec-websocket-protocol")).isEqualTo("chat.v1");
    assertThat(info.subprotocol()).isEqualTo("chat.v1");
    assertThat(info.extensions()).isEmpty();
    assertThat(info.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(info.remoteAddress().getPort()).isPositive();
    assertThat(info.connectedAt()).isBetween(before, Instant.now().plusSeconds(1));
  }

  @Test
  void connectionInfoRemoteAddressIsThePeersSocket() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    CompletableFuture<ConnectionInfo> opened = new CompletableFuture<>();
    server.onOpen((srv, c) -> opened.complete(c));
    server.start();

    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.handshake();
      ConnectionInfo info = opened.get(5, TimeUnit.SECONDS);

      assertThat(info.remoteAddress().getPort()).isEqualTo(raw.localPort());
      assertThat(info.subprotocol()).isNull();
    }
  }

  @Test
  void manyMessagesAreEchoedInOrder() throws Exception {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    RecordingListener client = new RecordingListener();
    WebSocket ws = RecordingListener.connect(HTTP, server.port(), "/", client);

    for (int i = 0; i < 100; i++) {
      ws.sendText("m" + i, true).join();
    }

    for (int i = 0; i < 100; i++) {
      assertThat(client.nextMessage()).isEqualTo("m" + i);
    }
    assertThat(client.pollMessage(Duration.ofMillis(50))).isNull();
  }
}
