package dev.pushwire.server.browser;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain subscriber (no subprotocol) on the JDK's WebSocket client: the channels are in its URL;
 * it keeps what it receives and the close code it gets.
 */
final class PlainSubscriber implements AutoCloseable {
  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final WebSocket socket;

  private PlainSubscriber(String uri) throws Exception {
    this.socket =
        LoopbackNode.HTTP
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(uri), new Listener())
            .get(10, TimeUnit.SECONDS);
  }

  /** Connects to {@code node} on {@code channel}. */
  static PlainSubscriber on(LoopbackNode node, String channel) throws Exception {
    return new PlainSubscriber(node.ws("/?channel=" + channel));
  }

  /** The next message, waiting up to {@code timeout}; {@code null} if none came. */
  String next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The close code the server sent, waiting up to {@code timeout}. */
  int closeCode(Duration timeout) throws Exception {
    return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
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
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.complete(1006);
    }
  }
}
