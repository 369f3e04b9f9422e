package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxConnectionsPerIp}: one address beyond its quota is refused with 429 before the upgrade,
 * counted as {@code max_connections_per_ip}, and gets its room back when a connection closes.
 */
@Timeout(60)
class ConnectionsPerIpLimitTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  @Test
  void connectionOverThePerAddressQuotaGets429AndIsCounted() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().maxConnectionsPerIp(2).build());
    try (RawWebSocket a = RawWebSocket.connect(server.port());
        RawWebSocket b = RawWebSocket.connect(server.port());
        RawWebSocket c = RawWebSocket.connect(server.port())) {
      a.handshake();
      b.handshake();

      RawWebSocket.HttpReply reply = c.upgrade("/", c.upgradeHeaders());

      assertThat(reply.status()).isEqualTo(429);
      assertThat(server.stats().handshakesRefused()).containsEntry("max_connections_per_ip", 1L);
    }
  }

  @Test
  void closedConnectionGivesItsAddressRoomBack() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().maxConnectionsPerIp(1).build());
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
    assertThat(server.stats().handshakesRefused()).doesNotContainKey("max_connections_per_ip");
  }

  @Test
  void plainHttpRequestsAreNotCountedAgainstTheQuota() throws Exception {
    WebSocketServer server =
        servers.startEcho(LoopbackServers.settings().maxConnectionsPerIp(1).build());
    try (RawWebSocket http = RawWebSocket.connect(server.port());
        RawWebSocket ws = RawWebSocket.connect(server.port())) {
      http.sendRequest("GET", "/nothing", java.util.Map.of("Host", "x"));
      assertThat(http.readResponse().status()).isEqualTo(404);

      ws.handshake();
    }
  }
}
