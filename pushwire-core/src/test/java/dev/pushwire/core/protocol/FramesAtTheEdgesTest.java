package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages at the two edges of a connection are delivered (issue 12, item 5): frames that arrive in
 * the same TCP segment as the upgrade request, and valid messages that arrive in the same segment
 * just before a protocol violation, whose echoes come before the close frame.
 */
class FramesAtTheEdgesTest {
  private final LoopbackServers servers = new LoopbackServers();

  @AfterEach
  void tearDown() {
    servers.close();
  }

  @ParameterizedTest(name = "deflate offered: {0}")
  @ValueSource(booleans = {false, true})
  void framesSentTogetherWithTheUpgradeRequestAreDelivered(boolean offerDeflate)
      throws IOException {
    WebSocketServer server = servers.startEcho(LoopbackServers.settings().build());
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      Map<String, String> headers = ws.upgradeHeaders();
      if (offerDeflate) {
        headers.put("Sec-WebSocket-Extensions", "permessage-deflate");
      }
      ByteArrayOutputStream segment = new ByteArrayOutputStream();
      segment.writeBytes(request(headers));
      for (String m : List.of("first", "second", "third")) {
        segment.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, utf8(m), true));
      }
      ws.sendBytes(segment.toByteArray()); // one write: one segment on loopback

      assertThat(ws.readResponse().status()).isEqualTo(101);
      assertThat(texts(ws, 3)).containsExactly("first", "second", "third");
    }
  }

  @ParameterizedTest(name = "violation: {0}")
  @ValueSource(strings = {"reserved bits", "unmasked", "bad utf-8", "too big"})
  void validMessagesBeforeAViolationAreEchoedBeforeTheClose(String violation) throws IOException {
    ServerSettings settings = LoopbackServers.settings().maxMessageSize(1024).build();
    WebSocketServer server = servers.startEcho(settings);
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.handshake();
      ByteArrayOutputStream segment = new ByteArrayOutputStream();
      for (String m : List.of("one", "two")) {
        segment.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, utf8(m), true));
      }
      int expected;
      switch (violation) {
        case "reserved bits" -> {
          segment.writeBytes(RawWebSocket.frame(true, 2, RawWebSocket.OP_TEXT, utf8("x"), true));
          expected = 1002;
        }
        case "unmasked" -> {
          segment.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, utf8("x"), false));
          expected = 1002;
        }
        case "bad utf-8" -> {
          byte[] bad = {(byte) 0xC3, (byte) 0x28};
          segment.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, bad, true));
          expected = 1007;
        }
        default -> {
          segment.writeBytes(
              RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, new byte[2048], true));
          expected = 1009;
        }
      }
      ws.sendBytes(segment.toByteArray());

      assertThat(texts(ws, 2)).containsExactly("one", "two");
      ws.assertServerClosesWith(expected);
    }
  }

  private static byte[] request(Map<String, String> headers) {
    StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The next {@code n} text messages; a compressed one (RSV1) is inflated. */
  private static List<String> texts(RawWebSocket ws, int n) throws IOException {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      RawWebSocket.Frame f = ws.readFrame();
      assertThat(f.opcode()).as("frame %s", out.size()).isEqualTo(RawWebSocket.OP_TEXT);
      byte[] payload = f.rsv() == 0 ? f.payload() : inflate(f.payload());
      out.add(new String(payload, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static byte[] inflate(byte[] compressed) {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    byte[] in = new byte[compressed.length + 4];
    System.arraycopy(compressed, 0, in, 0, compressed.length);
    in[compressed.length + 2] = (byte) 0xff;
    in[compressed.length + 3] = (byte) 0xff;
    inflater.setInput(in);
    byte[] out = new byte[4096];
    try {
      int n = inflater.inflate(out);
      return java.util.Arrays.copyOf(out, n);
    } catch (java.util.zip.DataFormatException e) {
      throw new AssertionError(e);
    } finally {
      inflater.end();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
