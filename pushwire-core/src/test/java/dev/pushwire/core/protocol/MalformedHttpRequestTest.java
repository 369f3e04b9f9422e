package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Malformed HTTP requests against a running server: random methods, targets, versions and headers
 * (with stray CR, LF, NUL and bytes above 127, over-long lines, half of an upgrade), sometimes with
 * a body, sometimes cut off. Checked per try: the server answers with a status below 500 or closes
 * the connection, within a bounded time, never hanging. Checked over the run by {@link
 * HostileInputGuard}: no exception escaped, no leak, no connection left, a normal client served.
 */
class MalformedHttpRequestTest {
  /** Longer than the handshake timeout below, so a request cut off is dropped before this. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(4);

  private HostileInputGuard guard;

  @BeforeProperty
  void startServer() {
    guard =
        new HostileInputGuard(
            LoopbackServers.settings()
                .handshakeTimeout(Duration.ofMillis(800))
                .maxHeaderSize(2048)
                .maxHttpBodySize(4096));
  }

  @AfterProperty
  void checkServer() throws InterruptedException {
    try {
      guard.verify();
      assertThat(guard.server().stats().handshakesRefused()).isNotEmpty();
    } finally {
      guard.close();
    }
  }

  @Property(tries = 300)
  void malformedRequestsGetA4xxOrACloseNeverA5xxOrAHang(
      @ForAll("requests") byte[] request, @ForAll("finishes") boolean sendFin) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout((int) READ_TIMEOUT.toMillis());
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), guard.port()), 2000);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        if (sendFin) {
          s.shutdownOutput();
        }
      } catch (SocketException e) {
        return; // the server refused and closed while we were still sending: fine
      }
      String statusLine = readStatusLineOrEof(s.getInputStream());
      if (statusLine != null) {
        assertThat(statusLine).startsWith("HTTP/1.");
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        assertThat(status).as("status of %s", statusLine).isBetween(100, 499);
      }
      drainUntilEof(s.getInputStream());
    }
  }

  /** The first line of the answer, or {@code null} when the server closed without one. */
  private static String readStatusLineOrEof(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
        if (b == '\n') {
          return line.toString(StandardCharsets.ISO_8859_1).trim();
        }
        line.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer and no close within " + READ_TIMEOUT);
    } catch (SocketException e) {
      return null; // reset
    }
  }

  private static void drainUntilEof(InputStream in) throws IOException {
    byte[] sink = new byte[4096];
    try {
      while (in.read(sink) >= 0) {
        // discard: a 101 answer may be followed by frames, a keep-alive answer by nothing
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was not closed within " + READ_TIMEOUT);
    } catch (SocketException e) {
      // reset: closed
    }
  }

  // ---- generators ---------------------------------------------------------------------------

  @Provide
  Arbitrary<Boolean> finishes() {
    // Mostly FIN after the request; sometimes not, so the handshake timeout has to end it.
    return Arbitraries.integers().between(0, 9).map(i -> i != 0);
  }

  @Provide
  Arbitrary<byte[]> requests() {
    Arbitrary<String> method =
        Arbitraries.oneOf(
            Arbitraries.of("GET", "POST", "HEAD", "PUT", "OPTIONS", "CONNECT", "get", "G ET", ""),
            junk(12));
    Arbitrary<String> target =
        Arbitraries.oneOf(
            Arbitraries.of(
                "/", "/?a=b", "*", "http://x/", "/%zz", "//", "/a b", "", "/" + "a".repeat(3000)),
            junk(40));
    Arbitrary<String> version =
        Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra", "HTTP/", "", "ICY");
    Arbitrary<String> header =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Host: x",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Version: 8",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Key: short",
                "Content-Length: 5",
                "Content-Length: -1",
                "Content-Length: 99999999999",
                "Transfer-Encoding: chunked",
                "Origin: http://evil.example",
                "X-Big: " + "b".repeat(3000),
                " folded",
                ":",
                "NoColon"),
            Combinators.combine(junk(20), junk(60)).as((n, v) -> n + ": " + v));
    Arbitrary<String> body =
        Arbitraries.oneOf(Arbitraries.just(""), junk(64), Arbitraries.just("0\r\n\r\n"));
    return Combinators.combine(
            method, target, version, header.list().ofMaxSize(8), body, Arbitraries.of(0, 1, 2))
        .as(
            (m, t, v, hs, b, ending) -> {
              StringBuilder sb = new StringBuilder();
              sb.append(m).append(' ').append(t).append(' ').append(v).append("\r\n");
              hs.forEach(h -> sb.append(h).append("\r\n"));
              switch (ending) {
                case 0 -> sb.append("\r\n").append(b); // complete head, maybe a body
                case 1 -> sb.append("\n"); // bare LF
                default -> {} // cut off inside the head
              }
              return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            });
  }

  /** Any characters, control characters and bytes above 127 included. */
  private static Arbitrary<String> junk(int maxLength) {
    return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(maxLength);
  }
}
