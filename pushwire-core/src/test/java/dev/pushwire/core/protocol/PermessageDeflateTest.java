package dev.pushwire.core.protocol;

import static dev.pushwire.core.protocol.RawWebSocket.OP_BINARY;
import static dev.pushwire.core.protocol.RawWebSocket.OP_CONTINUATION;
import static dev.pushwire.core.protocol.RawWebSocket.OP_PING;
import static dev.pushwire.core.protocol.RawWebSocket.OP_TEXT;
import static dev.pushwire.core.protocol.RawWebSocket.RSV1;
import static dev.pushwire.core.protocol.RawWebSocket.RSV2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.WebSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate (RFC 7692) on a raw socket, compressed with the JDK's own {@link Deflater}:
 * negotiation, compressed messages both ways, and the limits on inflated size and on RSV bits.
 */
@Timeout(60)
class PermessageDeflateTest {
  private static final int MAX_MESSAGE = 4096;
  private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

  private final LoopbackServers servers = new LoopbackServers();
  private final CompletableFuture<Long> opened = new CompletableFuture<>();
  private final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
  private WebSocketServer server;
  private RawWebSocket ws;
  private RawWebSocket.HttpReply handshake;

  @BeforeEach
  void connect() throws Exception {
    server =
        servers.create(
            LoopbackServers.settings().maxMessageSize(MAX_MESSAGE).compressionMinSize(256).build());
    server.onOpen((srv, c) -> opened.complete(c.connectionId()));
    server.onMessage(
        (srv, m) -> {
          if (m.binary()) {
            srv.push(m.connectionId(), m.data());
          } else {
            srv.push(m.connectionId(), m.text());
          }
        });
    server.onClose((srv, e) -> closed.complete(e));
    server.start();
    ws = RawWebSocket.connect(server.port());
    handshake =
        ws.handshake(
            "/", Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
    opened.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() throws IOException {
    ws.close();
    servers.close();
  }

  /** Raw DEFLATE with a sync flush and the trailing 00 00 FF FF removed (RFC 7692 7.2.1). */
  private static byte[] compress(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    do {
      n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n == buf.length);
    d.end();
    byte[] b = out.toByteArray();
    return Arrays.copyOf(b, b.length - TAIL.length);
  }

  /**
   * One message compressed as several fragments: each piece ends with a sync flush, and only the
   * last loses its 00 00 FF FF tail, so every fragment inflates to its piece on its own.
   */
  private static List<byte[]> compressInPieces(byte[]... pieces) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    List<byte[]> out = new ArrayList<>();
    byte[] buf = new byte[65536];
    for (byte[] piece : pieces) {
      d.setInput(piece);
      int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.add(Arrays.copyOf(buf, n));
    }
    d.end();
    byte[] last = out.get(out.size() - 1);
    out.set(out.size() - 1, Arrays.copyOf(last, last.length - TAIL.length));
    return out;
  }

  private static byte[] inflate(byte[] data) throws DataFormatException {
    Inflater inf = new Inflater(true);
    byte[] in = Arrays.copyOf(data, data.length + TAIL.length);
    System.arraycopy(TAIL, 0, in, data.length, TAIL.length);
    inf.setInput(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!inf.needsInput()) {
      int n = inf.inflate(buf);
      if (n == 0 && inf.needsInput()) {
        break;
      }
      out.write(buf, 0, n);
    }
    inf.end();
    return out.toByteArray();
  }

  @Test
  void offerIsAcceptedWithServerNoContextTakeover() {
    String ext = handshake.header("Sec-WebSocket-Extensions");

    assertThat(ext).startsWith("permessage-deflate").contains("server_no_context_takeover");
  }

  @Test
  void compressedMessageIsInflatedAndTheLargeEchoComesBackCompressed() throws Exception {
    byte[] text = "compress me please ".repeat(40).getBytes(StandardCharsets.UTF_8);

    ws.sendFrame(true, RSV1, OP_TEXT, compress(text));

    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(echo.rsv()).as("RSV1 marks a compressed echo").isEqualTo(RSV1);
    assertThat(inflate(echo.payload())).isEqualTo(text);
  }

  @Test
  void eachOfManyLargeEchoesInflatesOnItsOwn() throws Exception {
    // Without server context takeover every message must inflate with a fresh window: a deflater
    // reused across messages (and across connections of the loop) must be reset in between.
    for (int i = 0; i < 50; i++) {
      byte[] text =
          ("message " + i + " repeats itself; ").repeat(20 + i).getBytes(StandardCharsets.UTF_8);
      ws.sendFrame(true, RSV1, OP_TEXT, compress(text));

      RawWebSocket.Frame echo = ws.readFrame();
      assertThat(echo.rsv()).as("echo %d is compressed", i).isEqualTo(RSV1);
      assertThat(inflate(echo.payload())).as("echo %d", i).isEqualTo(text);
    }
  }

  @Test
  void largeEchoThatDoesNotCompressIsSentPlain() throws Exception {
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);

    ws.sendFrame(true, 0, OP_BINARY, noise);

    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(echo.rsv()).as("compressing random bytes makes them larger").isZero();
    assertThat(echo.payload()).isEqualTo(noise);
  }

  @Test
  void smallEchoIsSentUncompressed() throws Exception {
    ws.sendFrame(true, RSV1, OP_TEXT, compress("tiny".getBytes(StandardCharsets.UTF_8)));

    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(echo.rsv()).isZero();
    assertThat(echo.text()).isEqualTo("tiny");
  }

  @Test
  void uncompressedFramesStillWorkAfterNegotiation() throws Exception {
    ws.sendText("plain");

    assertThat(ws.readFrame().text()).isEqualTo("plain");
  }

  @Test
  void fragmentedCompressedMessageIsJoined() throws Exception {
    byte[] text = "fragmented and compressed ".repeat(30).getBytes(StandardCharsets.UTF_8);
    byte[] z = compress(text);
    int half = z.length / 2;

    ws.sendFrame(false, RSV1, OP_TEXT, Arrays.copyOfRange(z, 0, half));
    ws.sendFrame(true, 0, OP_CONTINUATION, Arrays.copyOfRange(z, half, z.length));

    assertThat(inflate(ws.readFrame().payload())).isEqualTo(text);
  }

  @Test
  void smallFrameThatInflatesPastTheMessageLimitGets1009() throws IOException {
    byte[] bomb = compress(new byte[1_000_000]);
    assertThat(bomb.length).isLessThan(MAX_MESSAGE);

    ws.sendFrame(true, RSV1, OP_BINARY, bomb);

    ws.assertServerClosesWith(1009);
  }

  @ParameterizedTest(name = "inflated size {0}")
  @ValueSource(ints = {MAX_MESSAGE / 2, MAX_MESSAGE - 256, MAX_MESSAGE})
  void messageThatInflatesToTheLimitIsAccepted(int size) throws Exception {
    byte[] data = new byte[size];

    ws.sendFrame(true, RSV1, OP_BINARY, compress(data));

    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(echo.opcode()).as("echo, not %s", echo.close()).isEqualTo(OP_BINARY);
    assertThat(inflate(echo.payload())).isEqualTo(data);
  }

  @Test
  void messageThatInflatesOneBytePastTheLimitGets1009() throws IOException {
    ws.sendFrame(true, RSV1, OP_BINARY, compress(new byte[MAX_MESSAGE + 1]));

    ws.assertServerClosesWith(1009);
  }

  @Test
  void fragmentedCompressedMessageThatInflatesPastTheLimitGets1009() throws IOException {
    int piece = MAX_MESSAGE / 2;
    List<byte[]> fragments = compressInPieces(new byte[piece], new byte[piece], new byte[piece]);

    ws.sendFrame(false, RSV1, OP_BINARY, fragments.get(0));
    ws.sendFrame(false, 0, OP_CONTINUATION, fragments.get(1));
    ws.sendFrame(true, 0, OP_CONTINUATION, fragments.get(2));

    ws.assertServerClosesWith(1009);
  }

  @Test
  void compressedMessageSplitAnywhereAcrossFragmentsIsAccepted() throws Exception {
    byte[] text = "split inside the deflate stream ".repeat(20).getBytes(StandardCharsets.UTF_8);
    byte[] z = compress(text);

    // RFC 7692 section 6.1: the compressed bytes may be cut at any point into fragments.
    ws.sendFrame(false, RSV1, OP_TEXT, Arrays.copyOfRange(z, 0, 1));
    ws.sendFrame(true, 0, OP_CONTINUATION, Arrays.copyOfRange(z, 1, z.length));

    RawWebSocket.Frame echo = ws.readFrame();
    assertThat(echo.opcode()).as("echo, not %s", echo.close()).isEqualTo(OP_TEXT);
    assertThat(inflate(echo.payload())).isEqualTo(text);
  }

  @Test
  void corruptCompressedDataGets1007() throws IOException {
    ws.sendFrame(true, RSV1, OP_BINARY, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});

    ws.assertServerClosesWith(1007);
  }

  @Test
  void connectionFailedOnCorruptCompressedDataIsReportedClosedAndForgotten() throws Exception {
    long id = opened.get();
    ws.sendFrame(true, RSV1, OP_BINARY, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});
    ws.assertServerClosesWith(1007);

    CloseEvent event = closed.get(3, TimeUnit.SECONDS);

    assertThat(event.code()).isEqualTo(1007);
    assertThat(server.exists(id)).isFalse();
    assertThat(server.connectionCount()).isZero();
  }

  @Test
  void invalidUtf8InsideACompressedTextGets1007() throws IOException {
    ws.sendFrame(true, RSV1, OP_TEXT, compress(new byte[] {'o', 'k', (byte) 0xC3, 0x28}));

    ws.assertServerClosesWith(1007);
  }

  @Test
  void rsv1OnAControlFrameGets1002() throws IOException {
    ws.sendFrame(true, RSV1, OP_PING, new byte[] {1});

    ws.assertServerClosesWith(1002);
  }

  @Test
  void rsv1OnAContinuationFrameGets1002() throws IOException {
    byte[] z = compress("first part and second part".getBytes(StandardCharsets.UTF_8));

    ws.sendFrame(false, RSV1, OP_TEXT, Arrays.copyOfRange(z, 0, 4));
    ws.sendFrame(true, RSV1, OP_CONTINUATION, Arrays.copyOfRange(z, 4, z.length));

    ws.assertServerClosesWith(1002);
  }

  @Test
  void rsv2WithDeflateNegotiatedGets1002() throws IOException {
    ws.sendFrame(true, RSV2, OP_TEXT, "hi".getBytes(StandardCharsets.UTF_8));

    ws.assertServerClosesWith(1002);
  }
}
