package dev.pushwire.server.cli;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.server.internal.ClientOptions;
import dev.pushwire.server.internal.api.ApiKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** The publisher socket: one connection, each publication one text message. */
final class SocketPublisher implements Publisher {
  private final WebSocketClient client;
  private final URI uri;
  private final String channel;
  private final Duration timeout;
  private final PublishConsole console;
  private final AtomicLong sent = new AtomicLong();

  private SocketPublisher(
      WebSocketClient client, URI uri, String channel, Duration timeout, PublishConsole console) {
    this.client = client;
    this.uri = uri;
    this.channel = channel;
    this.timeout = timeout;
    this.console = console;
  }

  /**
   * Connects to the publisher socket at {@code path} of the node at {@code base}, for {@code
   * channel}, with {@code key}.
   */
  static SocketPublisher connect(
      String base,
      String path,
      String key,
      String channel,
      Duration timeout,
      PublishConsole console)
      throws PublishFailure, InterruptedException {
    URI ws = ClientOptions.webSocketUri(base);
    URI uri =
        URI.create(
            ws.getScheme()
                + "://"
                + ws.getRawAuthority()
                + path
                + "?channel="
                + URLEncoder.encode(channel, StandardCharsets.UTF_8));
    ClientSettings settings =
        ClientSettings.newBuilder()
            .header(ApiKeys.HEADER, key)
            .connectTimeout(timeout)
            .handshakeTimeout(timeout)
            .build();
    WebSocketClient client = WebSocketClient.create(uri, settings);
    client.onMessage(
        (c, m) -> {
          // The node answers only when a publication failed: {"error":{...}}.
          console.errorFrom(uri, m.text());
        });
    try {
      client.connect().toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      client.shutdown();
      throw new PublishFailure("cannot connect to " + uri + ": " + ClientOptions.rootMessage(e));
    }
    return new SocketPublisher(client, uri, channel, timeout, console);
  }

  @Override
  public CompletionStage<Void> publish(String text) {
    return client
        .sendText(text)
        .handle(
            (v, e) -> {
              if (e != null) {
                throw new CompletionException(
                    new PublishFailure(
                        "cannot send to " + uri + ": " + ClientOptions.rootMessage(e)));
              }
              long n = sent.incrementAndGet();
              console.print("sent " + n + " to " + channel);
              return null;
            });
  }

  @Override
  public void close() {
    try {
      client
          .close(CloseCodes.NORMAL, "")
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Closing is best effort: everything was sent already; shutdown() drops the link.
    }
    client.shutdown();
  }
}
