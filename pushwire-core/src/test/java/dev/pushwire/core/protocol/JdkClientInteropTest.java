package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
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
@Timeout(60)
class JdkClientInteropTest {
  private static String uri(WebSocketServer server, String target) {
    return "ws://127.0.0.1:" + server.port() + target;
  }

  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  @Test
  void textMessageIsEchoed() throws Exception {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    WebSocket ws = client.socket();

    ws.sendText("héllo wörld ✓", true).join();

    assertThat(client.nextMessage()).isEqualTo("héllo wörld ✓");
  }

  @Test
  void binaryMessageIsEchoed() throws Exception {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    WebSocket ws = client.socket();
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
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    WebSocket ws = client.socket();

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
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    WebSocket ws = client.socket();

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
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    long id = opened.get(5, TimeUnit.SECONDS);

    assertThat(server.disconnect(id, 4000, "bye")).isTrue();

    assertThat(client.awaitClose()).isEqualTo(new JdkWebSocketClient.Close(4000, "bye"));
    CloseEvent event = closed.get(5, TimeUnit.SECONDS);
    assertThat(event.code()).isEqualTo(4000);
    assertThat(event.byServer()).isTrue();
  }

  @Test
  void subprotocolIsTheClientsFirstChoiceAmongTheServersList() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().subprotocols("v1", "v2", "v3").build());
    JdkWebSocketClient client =
        JdkWebSocketClient.to(uri(server, "/")).subprotocols("x-unknown", "v3", "v1").connect();

    assertThat(client.subprotocol()).isEqualTo("v3");
  }

  @Test
  void handshakeListenerRejectionGivesItsStatus() {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onHandshake(req -> HandshakeDecision.reject(401, "token required"));
    server.start();

    Throwable failure =
        catchThrowable(() -> JdkWebSocketClient.to(uri(server, "/")).connectAsync().join());

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

    JdkWebSocketClient.to(uri(server, "/chat?room=lobby&tag=a&tag=b"))
        .header("X-Tenant", "acme")
        .subprotocols("chat.v1")
        .connect();

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
    JdkWebSocketClient client = JdkWebSocketClient.connect(uri(server, "/"));
    WebSocket ws = client.socket();

    for (int i = 0; i < 100; i++) {
      ws.sendText("m" + i, true).join();
    }

    for (int i = 0; i < 100; i++) {
      assertThat(client.nextMessage()).isEqualTo("m" + i);
    }
    assertThat(client.poll(Duration.ofMillis(50))).isNull();
  }
}
