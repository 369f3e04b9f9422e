package dev.pushwire.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcast path frames (and, for receivers that negotiated permessage-deflate without server
 * context takeover, compresses) each message once and shares the bytes: 20 Node {@code ws} clients,
 * half with permessage-deflate and half without, spread over several event loops, each receive 200
 * broadcasts of sizes below and above {@code compressionMinSize} intact, in order, exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BroadcastFramingWithNodeWsTest {
  private static final int CLIENTS = 20;
  private static final int MESSAGES = 200;

  private WebSocketServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyClientGetsEveryBroadcastOnceInOrderIntact() {
    // The BroadcastServer example's core: every message received is broadcast to everyone.
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(3)
                // Room for everything one client is sent (under 2 MB): on a busy machine the Node
                // process reads late, and the slow-consumer policy would rightly drop for it. This
                // test is about framing; SlowConsumerFanOutTest is about the policy.
                .writeBufferWaterMarks(4 * 1024 * 1024, 8 * 1024 * 1024)
                .build());
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.broadcast(msg.data());
          } else {
            srv.broadcast(msg.text());
          }
        });
    String url = "ws://127.0.0.1:" + server.start() + "/";

    PeerResult r =
        PeerScript.node("broadcast_clients.js")
            .run(
                Duration.ofSeconds(180),
                url,
                Integer.toString(CLIENTS),
                Integer.toString(MESSAGES));

    assertThat(r.get("error")).as("%s", r).isNull();
    List<Object> clients = r.list("clients");
    assertThat(clients).hasSize(CLIENTS);
    long compressedBytes = 0;
    long plainBytes = 0;
    for (Object o : clients) {
      Map<String, Object> c = (Map<String, Object>) o;
      String who =
          "client " + c.get("index") + (Boolean.TRUE.equals(c.get("deflate")) ? " (deflate)" : "");
      assertThat((List<Object>) c.get("problems")).as(who).isEmpty();
      assertThat(c.get("received")).as(who).isEqualTo((long) MESSAGES);
      assertThat(c.get("sawEnd")).as(who).isEqualTo(true);
      if (Boolean.TRUE.equals(c.get("deflate"))) {
        assertThat((String) c.get("extensions"))
            .as(who)
            .startsWith("permessage-deflate")
            .contains("server_no_context_takeover");
        compressedBytes += (Long) c.get("bytesRead");
      } else {
        assertThat(c.get("extensions")).as(who).isNull();
        plainBytes += (Long) c.get("bytesRead");
      }
    }
    // The deflate half received the shared compressed frames: far fewer bytes for the same text.
    assertThat(compressedBytes).isLessThan(plainBytes / 2);
    assertThat(server.stats().messagesOut()).isEqualTo((long) CLIENTS * (MESSAGES + 1));
  }
}
