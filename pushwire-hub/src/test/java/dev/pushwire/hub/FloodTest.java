package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
  private final HttpClient http = HttpClient.newHttpClient();
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
    Listener normal = new Listener();
    WebSocket normalWs = connect(normal);
    normalWs
        .sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}", true)
        .get(5, TimeUnit.SECONDS);
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

    Listener flooder = new Listener();
    WebSocket floodWs = connect(flooder);
    AtomicInteger sent = new AtomicInteger();
    Thread flood =
        new Thread(
            () -> {
              try {
                while (!flooder.closeCode.isDone() && sent.get() < 1_000_000) {
                  floodWs
                      .sendText("{\"id\":" + sent.incrementAndGet() + ",\"op\":\"ping\"}", true)
                      .get(5, TimeUnit.SECONDS);
                }
              } catch (Exception e) {
                // the server closed the flooder: expected
              }
            },
            "flooder");
    flood.start();

    for (int i = 0; i < PUBLICATIONS; i++) {
      hub.publishText("news", "m" + i).toCompletableFuture().get(5, TimeUnit.SECONDS);
      if (i % 50 == 0) {
        Thread.sleep(5);
      }
    }

    awaitTrue(() -> normal.pushes.get() == PUBLICATIONS);
    assertThat(normal.pushes.get()).isEqualTo(PUBLICATIONS);
    assertThat(flooder.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
    flood.join(10_000);
    assertThat(flooder.rateLimited.get()).isPositive();
    assertThat(hub.limitsTriggered())
        .containsKey("rate_limited")
        .containsEntry("rate_limit_close", 1L);
    awaitTrue(() -> server.stats().handshakesRefused().getOrDefault("timeout", 0L) >= HALF_OPEN);
    normalWs.abort();
  }

  private WebSocket connect(Listener l) throws Exception {
    return http.newWebSocketBuilder()
        .subprotocols(Hub.SUBPROTOCOL)
        .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), l)
        .get(5, TimeUnit.SECONDS);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static final class Listener implements WebSocket.Listener {
    final AtomicInteger pushes = new AtomicInteger();
    final AtomicInteger rateLimited = new AtomicInteger();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode m = JSON.readTree(partial.toString());
          if (!m.has("id")) {
            pushes.incrementAndGet();
          } else if (m.has("error") && "rate_limited".equals(m.get("error").get("code").asText())) {
            rateLimited.incrementAndGet();
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
