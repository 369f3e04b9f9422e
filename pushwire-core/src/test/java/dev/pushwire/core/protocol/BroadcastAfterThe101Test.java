package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.WebSocketServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that has read its 101 gets every broadcast made from then on: the server counts a
 * connection for broadcasts from before it writes the 101, not from when its event loop gets round
 * to adding it to its list after the write (a busy machine can pause the loop in between, and a
 * broadcast then skipped the client's loop as empty). Each round opens a connection alone on the
 * server, broadcasts the moment the 101 is read, and expects the message.
 */
@Timeout(180)
class BroadcastAfterThe101Test {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void stopServers() {
    servers.close();
  }

  @Test
  void aBroadcastRightAfterThe101ReachesTheNewClient() throws Exception {
    WebSocketServer server = servers.create(LoopbackServers.settings().build());
    server.start();
    for (int round = 0; round < 300; round++) {
      try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
        raw.readTimeout(Duration.ofSeconds(30));
        raw.handshake();
        String text = "round " + round;
        server.broadcast(text);

        RawWebSocket.Frame f = raw.readFrame();
        assertThat(f.opcode()).as("round %d", round).isEqualTo(1);
        assertThat(new String(f.payload(), StandardCharsets.UTF_8)).isEqualTo(text);
      }
    }
  }
}
