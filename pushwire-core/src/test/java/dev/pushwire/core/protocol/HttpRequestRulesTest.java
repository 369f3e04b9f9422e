package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine refuses before any listener sees a request, and how it counts it: HTTP/1.1
 * without one {@code Host} (RFC 9112 section 3.2), a body over {@code maxHttpBodySize} whichever
 * way it is sent (a JSON 413 that names the limit, counted as {@code too_large}); and what it does
 * not count as a refusal: closing a kept-alive connection that went idle after its answers.
 */
@Timeout(20)
class HttpRequestRulesTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  private WebSocketServer start(int maxBody, Duration handshakeTimeout) {
    WebSocketServer server =
        servers.create(
            LoopbackServers.settings()
                .maxHttpBodySize(maxBody)
                .handshakeTimeout(handshakeTimeout)
                .build());
    server.onRequest((srv, exchange) -> exchange.respond(HttpResponse.text(200, "ok")));
    server.start();
    return server;
  }

  private WebSocketServer start() {
    return start(100, Duration.ofSeconds(10));
  }

  @Test
  void http11WithoutHostGets400() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/", Map.of());
      RawWebSocket.HttpReply reply = raw.readResponse();
      assertThat(reply.status()).isEqualTo(400);
      assertThat(reply.bodyText()).contains("Host");
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
    assertThat(server.stats().handshakesRefused()).containsEntry("bad_request", 1L);
  }

  @Test
  void http11WithTwoHostsGets400() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(400);
    }
  }

  @Test
  void anUpgradeWithoutHostGets400() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      Map<String, String> h = new LinkedHashMap<>(raw.upgradeHeaders());
      h.remove("Host");
      assertThat(raw.upgrade("/", h).status()).isEqualTo(400);
    }
  }

  @Test
  void http10WithoutHostIsStillServed() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("GET / HTTP/1.0\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void aBodyOverTheLimitGetsAJson413WithTheLimitAndIsCounted() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("POST", "/upload", Map.of("Host", "x", "Content-Length", "101"));
      raw.sendAscii("b".repeat(101));
      assertTooLarge(raw.readResponse());
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
    assertThat(server.stats().handshakesRefused()).containsEntry("too_large", 1L);
  }

  @Test
  void aBodyAnnouncedOverTheLimitWithExpectContinueGetsTheSame413() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest(
          "POST",
          "/upload",
          Map.of("Host", "x", "Content-Length", "5000", "Expect", "100-continue"));
      assertTooLarge(raw.readResponse());
    }
    assertThat(server.stats().handshakesRefused()).containsEntry("too_large", 1L);
  }

  @Test
  void aChunkedBodyOverTheLimitGetsTheSame413() throws Exception {
    WebSocketServer server = start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("POST", "/upload", Map.of("Host", "x", "Transfer-Encoding", "chunked"));
      raw.sendAscii("50\r\n" + "b".repeat(80) + "\r\n50\r\n" + "b".repeat(80) + "\r\n0\r\n\r\n");
      assertTooLarge(raw.readResponse());
    }
    assertThat(server.stats().handshakesRefused()).containsEntry("too_large", 1L);
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedWithoutCountingAsAHandshakeTimeout() throws Exception {
    WebSocketServer server = start(100, Duration.ofMillis(300));
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), Duration.ofSeconds(5))) {
      raw.sendRequest("GET", "/", Map.of("Host", "x"));
      assertThat(raw.readResponse().status()).isEqualTo(200);
      assertThat(raw.awaitEof()).as("the idle connection is closed").isTrue();
    }
    assertThat(server.stats().handshakesRefused()).doesNotContainKey("timeout");
  }

  @Test
  void aConnectionThatNeverCompletesARequestStillCountsAsATimeout() throws Exception {
    WebSocketServer server = start(100, Duration.ofMillis(300));
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), Duration.ofSeconds(5))) {
      raw.sendAscii("GET / HTTP/1.1\r\nHost: x\r\n");
      assertThat(raw.awaitEof()).as("the stalled connection is closed").isTrue();
    }
    assertThat(server.stats().handshakesRefused()).containsEntry("timeout", 1L);
  }

  private static void assertTooLarge(RawWebSocket.HttpReply reply) {
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.header("content-type")).startsWith("application/json");
    assertThat(reply.bodyText())
        .startsWith("{\"error\":{\"code\":\"payload_too_large\",\"message\":")
        .contains("at most 100 allowed");
  }
}
