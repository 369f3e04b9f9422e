package dev.pushwire.core.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket connection on a plain socket, for tests that must control the bytes: a reader that
 * parses frames as fast as the socket gives them (or not at all: a stalled reader), a writer that
 * sends masked frames back to back with no pause. Only what such tests need: the handshake, text
 * frames out, any frame in, no extensions.
 */
public final class FrameSocket implements AutoCloseable {
  private static final byte[] MASK = {0x5a, 0x13, 0x77, 0x01};

  /** A frame from the server: its first byte (FIN, RSV and opcode) and its payload. */
  public record Frame(int firstByte, byte[] payload) {
    /** Whether it is a final text frame. */
    public boolean isText() {
      return firstByte == 0x81;
    }

    /** Whether it is a close frame. */
    public boolean isClose() {
      return (firstByte & 0x0F) == 0x8;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** A close frame's code and reason, as {@code "1008 slow consumer"}. */
    public String closeCodeAndReason() {
      int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
      return code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private FrameSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 256 * 1024));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 256 * 1024);
  }

  /**
   * Connects to {@code 127.0.0.1:port}, sends an upgrade for {@code target} with {@code
   * extraHeaders} (each ending in CRLF), and checks the 101.
   *
   * @param receiveBuffer the socket's receive buffer, set before connecting (a small one makes a
   *     stalled reader hold little); 0 for the system's
   */
  public static FrameSocket open(int port, String target, String extraHeaders, int receiveBuffer)
      throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    OutputStream o = s.getOutputStream();
    o.write(
        ("GET "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: "
                + key
                + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    o.flush();
    String head = readHead(s.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("upgrade refused: " + head);
    }
    return new FrameSocket(s);
  }

  /**
   * {@link #open} on {@code /} with an {@code X-Role} header, as several tests tell roles apart.
   */
  public static FrameSocket open(int port, String role) throws IOException {
    return open(port, "/", "X-Role: " + role + "\r\n", 0);
  }

  /** Queues a masked final text frame; {@link #flush()} sends what is queued. */
  public void queueText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    out.write(0x81);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    out.write(MASK);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= MASK[i & 3];
    }
    out.write(payload);
  }

  public void flush() throws IOException {
    out.flush();
  }

  /** The next frame from the server; blocks; {@link EOFException} at the end of the stream. */
  public Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0, payload);
  }

  /** The socket, for its options and its raw streams. */
  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed during the handshake: " + head);
      }
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
  }
}
