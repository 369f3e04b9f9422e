package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgrade requests that RFC 6455 section 4.2.1 or the server's settings refuse, each answered with
 * its exact HTTP status before any WebSocket frame.
 */
@Timeout(60)
class HandshakeValidationTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  private int startDefault() {
    return servers.startEcho(LoopbackServers.settings().build()).port();
  }

  @Test
  void validUpgradeGets101() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      RawWebSocket.HttpReply reply = raw.handshake();

      assertThat(reply.header("Upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(reply.header("Connection")).isEqualToIgnoringCase("upgrade");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"8", "12", "14", "abc"})
  void otherVersionGets426WithVersion13(String version) throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.put("Sec-WebSocket-Version", version);

      RawWebSocket.HttpReply reply = raw.upgrade("/", h);

      assertThat(reply.status()).isEqualTo(426);
      assertThat(reply.header("Sec-WebSocket-Version")).isEqualTo("13");
    }
  }

  @Test
  void connectionHeaderWithSeveralTokensAndAnyCaseIsAccepted() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      raw.handshake("/", Map.of("Connection", "keep-alive, Upgrade", "Upgrade", "WebSocket"));
    }
  }

  @Test
  void missingKeyGets400() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.remove("Sec-WebSocket-Key");

      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
  void malformedKeyGets400(String key) throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.put("Sec-WebSocket-Key", key);

      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
    }
  }

  @Test
  void missingVersionGets400() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.remove("Sec-WebSocket-Version");

      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
    }
  }

  @Test
  void postUpgradeGets400() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.put("Content-Length", "0");
      raw.sendRequest("POST", "/", h);

      assertThat(raw.readResponse().status()).isEqualTo(400);
    }
  }

  @Test
  void missingConnectionUpgradeGets400() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.put("Connection", "keep-alive");

      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
    }
  }

  @Test
  void http10UpgradeGets400() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      StringBuilder sb = new StringBuilder("GET / HTTP/1.0\r\n");
      raw.upgradeHeaders().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
      raw.sendAscii(sb.append("\r\n").toString());

      assertThat(raw.readResponse().status()).isEqualTo(400);
    }
  }

  @Test
  void refusalClosesTheConnection() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(startDefault())) {
      Map<String, String> h = raw.upgradeHeaders();
      h.remove("Sec-WebSocket-Key");

      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
  }

  private int startWithOrigins(String... origins) {
    return servers.startEcho(LoopbackServers.settings().allowedOrigins(origins).build()).port();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example.org",
        "http://app.example.com",
        "https://example.com",
        "https://app.example.com.evil.org",
        "null"
      })
  void originOutsideTheAllowListGets403(String origin) throws Exception {
    int port = startWithOrigins("https://app.example.com", "https://*.example.com");
    try (RawWebSocket raw = RawWebSocket.connect(port)) {
      Map<String, String> h = raw.upgradeHeaders();
      h.put("Origin", origin);

      assertThat(raw.upgrade("/", h).status()).isEqualTo(403);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://app.example.com", "https://news.example.com", "HTTPS://A.Example.COM"})
  void allowedOriginAndWildcardSubdomainAreAccepted(String origin) throws Exception {
    int port = startWithOrigins("https://app.example.com", "https://*.example.com");
    try (RawWebSocket raw = RawWebSocket.connect(port)) {
      raw.handshake("/", Map.of("Origin", origin));
    }
  }

  @Test
  void requestWithoutOriginIsAcceptedEvenWithAnAllowList() throws Exception {
    int port = startWithOrigins("https://app.example.com");
    try (RawWebSocket raw = RawWebSocket.connect(port)) {
      raw.handshake();
    }
  }

  /**
   * The connection limit is a race between event loops, so the limit tests repeat their scenario on
   * fresh servers; each round takes a few milliseconds.
   */
  private static final int LIMIT_ROUNDS = 20;

  @Test
  void thirdConnectionOverMaxConnectionsGets503() throws Exception {
    for (int round = 0; round < LIMIT_ROUNDS; round++) {
      try (LoopbackServers roundServers = new LoopbackServers()) {
        int port =
            roundServers.startEcho(LoopbackServers.settings().maxConnections(2).build()).port();
        try (RawWebSocket a = RawWebSocket.connect(port);
            RawWebSocket b = RawWebSocket.connect(port);
            RawWebSocket c = RawWebSocket.connect(port)) {
          a.handshake();
          b.handshake();

          assertThat(c.upgrade("/", c.upgradeHeaders()).status())
              .as("round %d: after two 101 answers", round)
              .isEqualTo(503);
        }
      }
    }
  }

  @Test
  void burstOfUpgradesOverMaxConnectionsAdmitsOnlyTheMaximum() throws Exception {
    for (int round = 0; round < LIMIT_ROUNDS; round++) {
      try (LoopbackServers roundServers = new LoopbackServers()) {
        int port =
            roundServers.startEcho(LoopbackServers.settings().maxConnections(2).build()).port();
        List<RawWebSocket> clients = new ArrayList<>();
        try {
          for (int i = 0; i < 8; i++) {
            clients.add(RawWebSocket.connect(port));
          }
          for (RawWebSocket c : clients) {
            c.sendRequest("GET", "/", c.upgradeHeaders());
          }
          List<Integer> statuses = new ArrayList<>();
          for (RawWebSocket c : clients) {
            statuses.add(c.readResponse().status());
          }

          assertThat(statuses)
              .as("round %d: statuses of 8 simultaneous upgrades with maxConnections 2", round)
              .containsOnly(101, 503)
              .filteredOn(s -> s == 101)
              .hasSize(2);
        } finally {
          for (RawWebSocket c : clients) {
            c.close();
          }
        }
      }
    }
  }

  @Test
  void slotFreedByAClosedConnectionCanBeReused() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().maxConnections(1).build());
    try (RawWebSocket first = RawWebSocket.connect(server.port())) {
      first.handshake();
      first.sendClose(1000, "");
      assertThat(first.readClose().code()).isEqualTo(1000);
      assertThat(first.awaitEof()).isTrue();
    }
    await("the first connection is gone")
        .atMost(Duration.ofSeconds(30))
        .until(() -> server.connectionCount() == 0);
    try (RawWebSocket second = RawWebSocket.connect(server.port())) {
      second.handshake();
    }
  }

  @Test
  void handshakeListenerRejectionGivesStatusAndBody() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onHandshake(
        req ->
            "secret".equals(req.queryParam("token"))
                ? HandshakeDecision.accept()
                : HandshakeDecision.reject(401, "token required"));
    server.start();
    try (RawWebSocket denied = RawWebSocket.connect(server.port());
        RawWebSocket allowed = RawWebSocket.connect(server.port())) {
      RawWebSocket.HttpReply reply = denied.upgrade("/?token=wrong", denied.upgradeHeaders());

      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.bodyText()).isEqualTo("token required");
      allowed.handshake("/?token=secret", Map.of());
    }
  }

  @Test
  void subprotocolIsTheClientsFirstChoiceAmongTheServersList() throws Exception {
    int port =
        servers
            .startEcho(LoopbackServers.settings().subprotocols("mqtt", "wamp", "stomp").build())
            .port();
    try (RawWebSocket raw = RawWebSocket.connect(port)) {
      RawWebSocket.HttpReply reply =
          raw.handshake("/", Map.of("Sec-WebSocket-Protocol", "soap, stomp, mqtt"));

      assertThat(reply.header("Sec-WebSocket-Protocol")).isEqualTo("stomp");
    }
  }

  @Test
  void noCommonSubprotocolUpgradesWithoutOne() throws Exception {
    int port = servers.startEcho(LoopbackServers.settings().subprotocols("mqtt").build()).port();
    try (RawWebSocket raw = RawWebSocket.connect(port)) {
      RawWebSocket.HttpReply reply = raw.handshake("/", Map.of("Sec-WebSocket-Protocol", "soap"));

      assertThat(reply.header("Sec-WebSocket-Protocol")).isNull();
    }
  }

  @Test
  void handshakeListenerCanChooseAnotherOfferedSubprotocol() throws Exception {
    WebSocketServer server =
        servers.create(LoopbackServers.settings().subprotocols("mqtt", "stomp").build());
    server.onHandshake(req -> HandshakeDecision.acceptWith(req.requestedSubprotocols().get(1)));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      RawWebSocket.HttpReply reply =
          raw.handshake("/", Map.of("Sec-WebSocket-Protocol", "stomp, mqtt"));

      assertThat(reply.header("Sec-WebSocket-Protocol")).isEqualTo("mqtt");
    }
  }

  @Test
  void failingHandshakeListenerGives500() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onHandshake(
        req -> {
          throw new IllegalStateException("boom");
        });
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      assertThat(raw.upgrade("/", raw.upgradeHeaders()).status()).isEqualTo(500);
    }
  }
}
