package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written for tests, on a plain {@link Socket}: it sends exactly the bytes it is
 * told to (any header set, any frame bits, masked or not) and reads what the server answers, so the
 * tests see the server's behaviour without a client library smoothing it over.
 *
 * <p>Every read is bounded by the socket timeout given to {@link #connect(int, Duration)}.
 */
final class RawWebSocket implements AutoCloseable {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  static final int RSV1 = 0x4;
  static final int RSV2 = 0x2;
  static final int RSV3 = 0x1;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int port;

  private RawWebSocket(Socket socket, int port) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.port = port;
  }

  /** Opens a TCP connection to {@code 127.0.0.1:port} with a 5 second read timeout. */
  static RawWebSocket connect(int port) throws IOException {
    return connect(port, DEFAULT_TIMEOUT);
  }

  /** Opens a TCP connection to {@code 127.0.0.1:port}; every read waits at most {@code timeout}. */
  static RawWebSocket connect(int port, Duration timeout) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout((int) timeout.toMillis());
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
    return new RawWebSocket(s, port);
  }

  /** The client side's local port, as the server sees it in the remote address. */
  int localPort() {
    return socket.getLocalPort();
  }

  // ---- HTTP ----

  /** A fresh random {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
  static String newKey() {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /** The {@code Sec-WebSocket-Accept} value that RFC 6455 section 4.2.2 derives from a key. */
  static String acceptFor(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The headers of a valid version-13 upgrade request, in order; callers change or remove some. */
  Map<String, String> upgradeHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", "127.0.0.1:" + port);
    h.put("Upgrade", "websocket");
    h.put("Connection", "Upgrade");
    h.put("Sec-WebSocket-Key", newKey());
    h.put("Sec-WebSocket-Version", "13");
    return h;
  }

  /** Sends {@code METHOD target HTTP/1.1} with {@code headers} and no body. */
  void sendRequest(String method, String target, Map<String, String> headers) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    sendAscii(sb.toString());
  }

  /** Sends text as ISO-8859-1 bytes exactly as given (for hand-written HTTP). */
  void sendAscii(String text) throws IOException {
    sendBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends raw bytes. */
  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends an upgrade request for {@code target} with {@code headers} and reads the answer. */
  HttpReply upgrade(String target, Map<String, String> headers) throws IOException {
    sendRequest("GET", target, headers);
    return readResponse();
  }

  /**
   * Performs a valid upgrade to {@code target} with the standard headers plus {@code extra}, and
   * checks the 101 answer including {@code Sec-WebSocket-Accept}.
   */
  HttpReply handshake(String target, Map<String, String> extra) throws IOException {
    Map<String, String> h = upgradeHeaders();
    h.putAll(extra);
    HttpReply reply = upgrade(target, h);
    assertThat(reply.status()).as("upgrade status; body: %s", reply.bodyText()).isEqualTo(101);
    assertThat(reply.header("sec-websocket-accept"))
        .isEqualTo(acceptFor(h.get("Sec-WebSocket-Key")));
    return reply;
  }

  /** {@link #handshake(String, Map)} on {@code /} with the standard headers. */
  HttpReply handshake() throws IOException {
    return handshake("/", Map.of());
  }

  /** Reads one HTTP response: status line, headers and a {@code Content-Length} body. */
  HttpReply readResponse() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] terminator = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside the response head: " + head);
      }
      head.write(b);
      matched = b == terminator[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
    }
    int status = Integer.parseInt(statusLine[1]);
    List<String> length = headers.get("content-length");
    byte[] body = new byte[0];
    if (length != null && status != 101) {
      body = readFully(Integer.parseInt(length.get(0)));
    }
    return new HttpReply(statusLine[0], status, headers, body);
  }

  // ---- frames ----

  /** Sends one masked frame with FIN, RSV bits and opcode as given. */
  void sendFrame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
    sendBytes(frame(fin, rsv, opcode, payload, true));
  }

  /** Sends one final, masked frame without RSV bits. */
  void sendFrame(int opcode, byte[] payload) throws IOException {
    sendFrame(true, 0, opcode, payload);
  }

  /** Sends one final, masked text frame. */
  void sendText(String text) throws IOException {
    sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a masked close frame with {@code code} and a UTF-8 reason. */
  void sendClose(int code, String reason) throws IOException {
    sendFrame(OP_CLOSE, closePayload(code, reason.getBytes(StandardCharsets.UTF_8)));
  }

  /** A close frame payload: the code in network order, then {@code reason}. */
  static byte[] closePayload(int code, byte[] reason) {
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return p;
  }

  /** Encodes a frame (RFC 6455 section 5.2) with the minimal length encoding. */
  static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length <= 125) {
      f.write(maskBit | payload.length);
    } else if (payload.length <= 0xFFFF) {
      f.write(maskBit | 126);
      f.write(payload.length >> 8);
      f.write(payload.length);
    } else {
      f.write(maskBit | 127);
      long len = payload.length;
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) (len >> shift));
      }
    }
    if (!masked) {
      f.writeBytes(payload);
      return f.toByteArray();
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }

  /** Reads one frame; throws {@link EOFException} if the server closed TCP first. */
  Frame readFrame() throws IOException {
    byte[] h = readFully(2);
    boolean fin = (h[0] & 0x80) != 0;
    int rsv = (h[0] >> 4) & 0x7;
    int opcode = h[0] & 0xF;
    boolean masked = (h[1] & 0x80) != 0;
    long len = h[1] & 0x7F;
    if (len == 126) {
      byte[] l = readFully(2);
      len = (l[0] & 0xFF) << 8 | (l[1] & 0xFF);
    } else if (len == 127) {
      byte[] l = readFully(8);
      len = 0;
      for (byte b : l) {
        len = len << 8 | (b & 0xFF);
      }
    }
    byte[] mask = masked ? readFully(4) : null;
    byte[] payload = readFully(Math.toIntExact(len));
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame(fin, rsv, opcode, masked, payload);
  }

  /**
   * Reads frames, skipping pings and pongs, until a close frame and returns its code and reason.
   * Returns {@link Close#NONE} when TCP ends (EOF or reset) before any close frame, and a close
   * with code -2 describing the frame when a data frame comes first; a read timeout propagates.
   */
  Close readClose() throws IOException {
    while (true) {
      Frame f;
      try {
        f = readFrame();
      } catch (EOFException e) {
        return Close.NONE;
      } catch (SocketException e) {
        if (e.getMessage() != null && e.getMessage().contains("reset")) {
          return Close.NONE;
        }
        throw e;
      }
      if (f.opcode() == OP_CLOSE) {
        return f.close();
      }
      if (f.opcode() != OP_PING && f.opcode() != OP_PONG) {
        return new Close(
            -2, "<frame with opcode " + f.opcode() + " and " + f.payload().length + " bytes>");
      }
    }
  }

  /**
   * Asserts that the server's next frame, pings and pongs aside, is a close frame with {@code code}
   * and that the server then closes TCP.
   */
  void assertServerClosesWith(int code) throws IOException {
    Close close = readClose();
    assertThat(close.code()).as("close code; the server sent %s", close).isEqualTo(code);
    assertThat(awaitEof()).as("the server closed TCP after its close frame").isTrue();
  }

  /**
   * Waits until the server closes TCP (EOF or reset), discarding anything it sends meanwhile.
   * Returns false if the connection is still open after the read timeout.
   */
  boolean awaitEof() throws IOException {
    byte[] sink = new byte[4096];
    try {
      while (in.read(sink) >= 0) {
        // discard until EOF
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      if (e.getMessage() != null && e.getMessage().contains("reset")) {
        return true;
      }
      throw e;
    }
  }

  /** Sends FIN: the server reads end-of-stream after what was sent. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Changes the read timeout for the following reads. */
  void readTimeout(Duration timeout) throws SocketException {
    socket.setSoTimeout((int) timeout.toMillis());
  }

  private byte[] readFully(int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("connection closed after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One HTTP response as received. */
  record HttpReply(String version, int status, Map<String, List<String>> headers, byte[] body) {
    /** The first value of header {@code name} (lower case), or {@code null}. */
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One WebSocket frame as received. */
  record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** This close frame's code (1005 when it has none) and reason. */
    Close close() {
      if (payload.length < 2) {
        return new Close(1005, "");
      }
      int code = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
      return new Close(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }
  }

  /** A received close frame; {@link #NONE} (code -1) when TCP ended without one. */
  record Close(int code, String reason) {
    static final Close NONE = new Close(-1, "<TCP closed without a close frame>");
  }
}
