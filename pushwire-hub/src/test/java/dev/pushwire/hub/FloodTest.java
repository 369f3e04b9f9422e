package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood: one {@code pushwire.v1} client sending commands as fast as it can, and 200 connections
 * that sent half an HTTP request and stay silent, while a normal subscriber counts the publications
 * it receives. The flooder is rate limited and then closed with 1008, the half-open connections are
 * dropped by the handshake timeout, and the subscriber gets every publication. No timing is
 * asserted; every wait is bounded.
 */
@Timeout(60)
class FloodTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HALF_OPEN = 200;
  private static final int PUBLICATIONS = 300;

  private WebSocketServer server;
  private Hub hub;
  private final List<Socket> halfOpen = new ArrayList<>();

  @BeforeEach
  void start() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(2)
                .handshakeTimeout(Duration.ofSeconds(2))
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    hub =
        Hub.create(
            server,
            HubConfig.newBuilder()
                .nodeId("flood")
                .commandRate(100)
                .commandBurst(200)
                .maxRateLimitedCommands(100)
                .build());
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : halfOpen) {
      s.close();
    }
    hub.close();
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void normalSubscriberIsServedDuringAFloodAndSlowloris() throws Exception {
    Counts normal = new Counts();
    JdkWebSocketClient normalWs = connect(normal);
    normalWs.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    awaitTrue(() -> hub.subscribers("news").size() == 1);

    for (int i = 0; i < HALF_OPEN; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
      s.getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      halfOpen.add(s);
    }

    Counts flooder = new Counts();
    JdkWebSocketClient floodWs = connect(flooder);
    AtomicInteger sent = new AtomicInteger();
    Thread flood =
        new Thread(
            () -> {
              try {
                while (!floodWs.isClosed() && sent.get() < 1_000_000) {
                  floodWs
                      .socket()
                      .sendText("{\"id\":" + sent.incrementAndGet() + ",\"op\":\"ping\"}", true)
                      .get(30, TimeUnit.SECONDS);
                }
              } catch (Exception e) {
                // the server closed the flooder: expected
              }
            },
            "flooder");
    flood.start();

    for (int i = 0; i < PUBLICATIONS; i++) {
      hub.publishText("news", "m" + i).toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (i % 50 == 0) {
        Thread.sleep(5); // the scenario: a publisher at a steady pace, beside the flood
      }
    }

    awaitTrue(() -> normal.pushes.get() == PUBLICATIONS);
    assertThat(normal.pushes.get()).isEqualTo(PUBLICATIONS);
    assertThat(floodWs.awaitClose().code()).isEqualTo(1008);
    flood.join(30_000);
    assertThat(flooder.rateLimited.get()).isPositive();
    assertThat(hub.limitsTriggered())
        .containsKey("rate_limited")
        .containsEntry("rate_limit_close", 1L);
    awaitTrue(() -> server.stats().handshakesRefused().getOrDefault("timeout", 0L) >= HALF_OPEN);
    normalWs.socket().abort();
  }

  private JdkWebSocketClient connect(Counts counts) {
    return JdkWebSocketClient.to("ws://127.0.0.1:" + server.port() + "/")
        .subprotocols(Hub.SUBPROTOCOL)
        .onText((c, text) -> counts.count(text))
        .connect();
  }

  private static void awaitTrue(Callable<Boolean> condition) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(condition);
  }

  /** What one client received: pushes, and replies that said {@code rate_limited}. */
  private static final class Counts {
    final AtomicInteger pushes = new AtomicInteger();
    final AtomicInteger rateLimited = new AtomicInteger();

    void count(String text) {
      try {
        JsonNode m = JSON.readTree(text);
        if (!m.has("id")) {
          pushes.incrementAndGet();
        } else if (m.has("error") && "rate_limited".equals(m.get("error").get("code").asText())) {
          rateLimited.incrementAndGet();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
