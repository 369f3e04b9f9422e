package dev.pushwire.core.client;

import static dev.pushwire.core.client.WebSocketClientAgainstNodeWsTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.core.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that refuses the upgrade: the client's failure names the status and the reason the
 * server gave in its body, not Netty's "Invalid handshake response getStatus: 400 Bad Request".
 */
@Timeout(60)
class WebSocketClientRefusedUpgradeTest {
  private WebSocketServer server;
  private WebSocketClient client;

  @BeforeEach
  void start() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder().host("127.0.0.1").port(0).paths("/*").build());
    server.onHandshake(
        req ->
            switch (req.path()) {
              case "/reason" ->
                  HandshakeDecision.reject(400, "bad_channel: 'a b': space at index 1");
              case "/page" -> HandshakeDecision.reject(503, "<html><body>busy</body></html>");
              default -> HandshakeDecision.accept();
            });
    server.onRequest((srv, ex) -> ex.respond(HttpResponse.text(404, "no")));
    server.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.shutdown();
    }
    server.stop(Duration.ofSeconds(2));
  }

  private Throwable refusal(String path) throws Exception {
    client =
        WebSocketClient.create(
            URI.create("ws://127.0.0.1:" + server.port() + path), ClientSettings.DEFAULT);
    return failureOf(client.connect());
  }

  @Test
  void theFailureNamesTheStatusAndTheServersReason() throws Exception {
    assertThat(refusal("/reason"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the server refused the WebSocket upgrade: HTTP 400 Bad Request:"
                + " bad_channel: 'a b': space at index 1");
  }

  @Test
  void anHtmlPageIsLeftOutOfTheMessage() throws Exception {
    assertThat(refusal("/page"))
        .hasMessage("the server refused the WebSocket upgrade: HTTP 503 Service Unavailable");
  }
}
