package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.WebSocketServer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plain HTTP on the WebSocket port: default answers, keep-alive rules and size limits. */
@Timeout(60)
class HttpRoutingTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  private WebSocketServer startWithPathReporter() {
    WebSocketServer server = servers.create(LoopbackServers.settings().paths("/ws").build());
    server.onRequest(
        (srv, exchange) ->
            exchange.respond(
                HttpResponse.text(
                    200, exchange.request().method() + " " + exchange.request().path())));
    server.start();
    return server;
  }

  @Test
  void plainGetOnAWebSocketPathGets426WithTheVersion() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().paths("/ws").build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/ws", Map.of("Host", "x"));

      RawWebSocket.HttpReply reply = raw.readResponse();

      assertThat(reply.status()).isEqualTo(426);
      assertThat(reply.header("Sec-WebSocket-Version")).isEqualTo("13");
    }
  }

  @Test
  void getElsewhereGets404WithoutARequestListener() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().paths("/ws").build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/index.html", Map.of("Host", "x"));

      assertThat(raw.readResponse().status()).isEqualTo(404);
    }
  }

  @Test
  void upgradeOnAPathThatIsNotAWebSocketPathGets404() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().paths("/ws").build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      assertThat(raw.upgrade("/other", raw.upgradeHeaders()).status()).isEqualTo(404);
    }
  }

  @Test
  void http11RequestsShareOneKeptAliveConnection() throws Exception {
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/first", Map.of("Host", "x"));
      RawWebSocket.HttpReply first = raw.readResponse();
      raw.sendRequest("POST", "/second", Map.of("Host", "x", "Content-Length", "0"));
      RawWebSocket.HttpReply second = raw.readResponse();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).isEqualTo("GET /first");
      assertThat(first.header("Connection")).isNotEqualToIgnoringCase("close");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.bodyText()).isEqualTo("POST /second");
    }
  }

  @Test
  void pipelinedHttp11RequestsAreAnsweredInOrder() throws Exception {
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(raw.readResponse().bodyText()).isEqualTo("GET /a");
      assertThat(raw.readResponse().bodyText()).isEqualTo("GET /b");
    }
  }

  @Test
  void answersToPipelinedRequestsGivenAtOnceAreFlushedAtTheEndOfTheRead() throws Exception {
    // The answers are written during the read and flushed once after it: none may be left behind
    // in the outbound buffer, whichever read the requests arrive in.
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        burst.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      raw.sendAscii(burst.toString());
      for (int i = 0; i < 12; i++) {
        assertThat(raw.readResponse().bodyText()).isEqualTo("GET /r" + i);
      }
      raw.sendAscii("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readResponse().bodyText()).isEqualTo("GET /after");
    }
  }

  @Test
  void aPipelinedRequestBeforeAnUpgradeIsAnsweredBeforeThe101() throws Exception {
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      StringBuilder upgrade = new StringBuilder("GET /ws HTTP/1.1\r\n");
      raw.upgradeHeaders()
          .forEach((k, v) -> upgrade.append(k).append(": ").append(v).append("\r\n"));
      raw.sendAscii("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n" + upgrade + "\r\n");

      assertThat(raw.readResponse().bodyText()).isEqualTo("GET /plain");
      assertThat(raw.readResponse().status()).isEqualTo(101);
    }
  }

  @Test
  void http10RequestIsAnsweredAndTheConnectionClosed() throws Exception {
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("GET /old HTTP/1.0\r\nHost: x\r\n\r\n");

      RawWebSocket.HttpReply reply = raw.readResponse();

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.bodyText()).isEqualTo("GET /old");
      assertThat(reply.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
  }

  @Test
  void http11ConnectionCloseIsHonoured() throws Exception {
    WebSocketServer server = startWithPathReporter();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/bye", Map.of("Host", "x", "Connection", "close"));

      assertThat(raw.readResponse().status()).isEqualTo(200);
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
  }

  @Test
  void tooLargeHeadersGet431() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().maxHeaderSize(1024).build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/", Map.of("Host", "x", "X-Big", "a".repeat(2000)));

      assertThat(raw.readResponse().status()).isEqualTo(431);
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
  }

  @Test
  void bodyOverTheLimitGets413() throws Exception {
    WebSocketServer server =
        servers.create(LoopbackServers.settings().maxHttpBodySize(100).build());
    server.onRequest((srv, exchange) -> exchange.respond(HttpResponse.text(200, "ok")));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("POST", "/upload", Map.of("Host", "x", "Content-Length", "101"));
      raw.sendAscii("b".repeat(101));

      assertThat(raw.readResponse().status()).isEqualTo(413);
    }
  }

  @Test
  void bodyAtTheLimitIsAccepted() throws Exception {
    WebSocketServer server =
        servers.create(LoopbackServers.settings().maxHttpBodySize(100).build());
    server.onRequest(
        (srv, exchange) ->
            exchange.respond(HttpResponse.text(200, "got " + exchange.request().body().length)));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("POST", "/upload", Map.of("Host", "x", "Content-Length", "100"));
      raw.sendAscii("b".repeat(100));

      RawWebSocket.HttpReply reply = raw.readResponse();
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.bodyText()).isEqualTo("got 100");
    }
  }

  @Test
  void garbageInsteadOfARequestGets400() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("\u0001\u0002 hello there\r\n\r\n");

      assertThat(raw.readResponse().status()).isEqualTo(400);
      assertThat(raw.awaitEof()).as("server closed TCP").isTrue();
    }
  }

  @Test
  void tooLongRequestLineGets414() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendRequest("GET", "/" + "a".repeat(10_000), Map.of("Host", "x"));

      assertThat(raw.readResponse().status()).isEqualTo(414);
    }
  }

  @Test
  void answerFromAnotherThreadLaterIsDeliveredInOrder() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.onRequest(
        (srv, exchange) ->
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
                .execute(
                    () -> exchange.respond(HttpResponse.text(200, exchange.request().path()))));
    server.start();
    try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
      raw.sendAscii("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(raw.readResponse().bodyText()).isEqualTo("/one");
      assertThat(raw.readResponse().bodyText()).isEqualTo("/two");
    }
  }
}
