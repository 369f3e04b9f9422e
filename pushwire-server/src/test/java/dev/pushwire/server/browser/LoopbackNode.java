package dev.pushwire.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.server.LogLevel;
import dev.pushwire.server.PushwireNode;
import dev.pushwire.server.ServerConfig;
import dev.pushwire.server.ServerConfigBuilder;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** A {@link PushwireNode} on 127.0.0.1 with a known API key, and its HTTP API through the JDK. */
final class LoopbackNode implements AutoCloseable {
  static final String KEY = "browser-test-key-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final PushwireNode node;

  private LoopbackNode(PushwireNode node) {
    this.node = node;
  }

  /** A node on any free port. */
  static LoopbackNode start() {
    return start(0, b -> b);
  }

  /**
   * A node on {@code port} (0: any), with {@code tweak} applied to the config. Binding a port that
   * a node just released is retried for a few seconds.
   */
  static LoopbackNode start(int port, UnaryOperator<ServerConfigBuilder> tweak) {
    ServerConfig config =
        tweak
            .apply(
                ServerConfig.newBuilder()
                    .host("127.0.0.1")
                    .port(port)
                    .apiKeys(List.of(KEY))
                    .logLevel(LogLevel.WARN)
                    .warmupConnections(0))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      PushwireNode node = PushwireNode.create(config);
      try {
        node.start();
        return new LoopbackNode(node);
      } catch (UncheckedIOException e) {
        if (port == 0 || System.nanoTime() > deadline) {
          throw e;
        }
        sleep(100); // the port is still held by the node that just stopped: retry binding
      }
    }
  }

  PushwireNode node() {
    return node;
  }

  int port() {
    return node.port();
  }

  String http(String pathAndQuery) {
    return "http://127.0.0.1:" + port() + pathAndQuery;
  }

  String ws(String pathAndQuery) {
    return "ws://127.0.0.1:" + port() + pathAndQuery;
  }

  /** {@code method path} on the HTTP API with the key; fails unless the answer is a 2xx. */
  JsonNode api(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(http(path)))
            .timeout(Duration.ofSeconds(10))
            .header("X-API-Key", KEY)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Publishes {@code json} (a JSON value) to {@code channel}; returns the offset. */
  long publish(String channel, String json) {
    return api("POST", "/api/publish", "{\"channel\":\"" + channel + "\",\"data\":" + json + "}")
        .get("offset")
        .asLong();
  }

  /** The connections subscribed to {@code channel} on every node, from the API. */
  int presence(String channel) {
    return api("GET", "/api/presence?channel=" + channel, null).get("connections").asInt();
  }

  /** Stops with a short grace: clients get 1001 at once. */
  @Override
  public void close() {
    node.stop(Duration.ofMillis(500));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
