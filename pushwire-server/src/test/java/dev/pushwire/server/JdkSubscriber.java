package dev.pushwire.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client this project did not write: the JDK's {@code java.net.http.WebSocket}, which
 * collects the text messages it receives (fragments joined) and the close it gets.
 */
final class JdkSubscriber implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
  private final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private final WebSocket socket;

  private JdkSubscriber(URI uri, Map<String, String> headers, String subprotocol) throws Exception {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    if (subprotocol != null) {
      builder.subprotocols(subprotocol);
    }
    this.socket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
  }

  /** Connects to {@code uri}; fails if the handshake does. */
  static JdkSubscriber connect(String uri) throws Exception {
    return new JdkSubscriber(URI.create(uri), Map.of(), null);
  }

  /** Connects to {@code uri} offering {@code subprotocol}. */
  static JdkSubscriber connectWith(String uri, String subprotocol) throws Exception {
    return new JdkSubscriber(URI.create(uri), Map.of(), subprotocol);
  }

  /** The subprotocol the server chose, or an empty string. */
  String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Connects to {@code uri} with extra upgrade headers. */
  static JdkSubscriber connect(String uri, Map<String, String> headers) throws Exception {
    return new JdkSubscriber(URI.create(uri), headers, null);
  }

  /** Sends a text message and waits until it was written. */
  void send(String text) throws Exception {
    socket.sendText(text, true).get(5, TimeUnit.SECONDS);
  }

  /** The next message, waiting up to {@code timeout}; {@code null} if none came. */
  String next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next {@code n} messages, each waited for up to {@code timeout}. */
  List<String> take(int n, Duration timeout) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String m = next(timeout);
      if (m == null) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  /** Everything received and not yet taken. */
  List<String> drain() {
    List<String> out = new ArrayList<>();
    messages.drainTo(out);
    return out;
  }

  /** The close code the server sent, waiting up to {@code timeout}. */
  int closeCode(Duration timeout) throws Exception {
    return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
  }

  /** The close reason the server sent. */
  String closeReason(Duration timeout) throws Exception {
    return closeReason.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(new int[] {statusCode});
      closeReason.complete(reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.complete(new int[] {1006});
      closeReason.complete(String.valueOf(error));
    }
  }
}
