package dev.pushwire.core.protocol;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WebSocket.Listener} for the JDK's client that joins partial messages and records every
 * whole message (a {@code String} or a {@code byte[]}), the close the server sent and any error.
 */
final class RecordingListener implements WebSocket.Listener {
  /** A close frame as the JDK client reported it. */
  record Closed(int code, String reason) {}

  private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final CompletableFuture<Throwable> error = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

  /** Connects the JDK client to {@code ws://127.0.0.1:port + target} with this listener. */
  static WebSocket connect(HttpClient client, int port, String target, RecordingListener l) {
    return connect(client.newWebSocketBuilder(), port, target, l);
  }

  /** Connects with a builder the caller has set up (headers, subprotocols). */
  static WebSocket connect(
      WebSocket.Builder builder, int port, String target, RecordingListener l) {
    return builder
        .connectTimeout(Duration.ofSeconds(3))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + target), l)
        .orTimeout(5, TimeUnit.SECONDS)
        .join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      messages.add(text.toString());
      text.setLength(0);
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    binary.writeBytes(chunk);
    if (last) {
      messages.add(binary.toByteArray());
      binary.reset();
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(new Closed(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable e) {
    error.complete(e);
    closed.completeExceptionally(e);
  }

  /** The next whole message within 5 seconds; fails the test if none arrives. */
  Object nextMessage() throws InterruptedException {
    Object m = messages.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 5 s");
    }
    return m;
  }

  /** The next whole message within {@code timeout}, or {@code null}. */
  Object pollMessage(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The close the server sent, waiting up to 5 seconds. */
  Closed awaitClose() {
    return closed.orTimeout(5, TimeUnit.SECONDS).join();
  }
}
