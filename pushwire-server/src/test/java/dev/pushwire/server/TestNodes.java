package dev.pushwire.server;

import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Starting nodes on loopback with a known key, and talking to their HTTP API with the JDK. */
final class TestNodes {
  static final String KEY = "test-key-0123456789";

  private TestNodes() {}

  /** A config on 127.0.0.1, any free port, with {@link #KEY}. */
  static ServerConfigBuilder config() {
    return ServerConfig.newBuilder()
        .host("127.0.0.1")
        .port(0)
        .apiKeys(java.util.List.of(KEY))
        .logLevel(LogLevel.WARN)
        // Tests that drain do not wait for load balancers; the one that tests the notice sets it.
        .drainNotice(Duration.ZERO)
        // Most tests start several nodes: a warm-up each would cost seconds of CPU for nothing
        // they check. WarmupTest and LauncherEndToEndTest start nodes that warm up.
        .warmupConnections(0);
  }

  /** A started node with {@code config}. */
  static PushwireNode start(ServerConfig config) {
    PushwireNode node = PushwireNode.create(config);
    node.start();
    return node;
  }

  static String ws(PushwireNode node, String pathAndQuery) {
    return "ws://127.0.0.1:" + node.port() + pathAndQuery;
  }

  static URI http(PushwireNode node, String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + pathAndQuery);
  }

  /** {@code method path} with {@code body} (or none) and the given headers (name, value, ...). */
  static HttpResponse<String> send(
      PushwireNode node, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(http(node, path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return JdkWebSocketClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code method path} with the right key. */
  static HttpResponse<String> api(PushwireNode node, String method, String path, String body)
      throws Exception {
    return send(node, method, path, body, "X-API-Key", KEY);
  }

  /** Waits until {@code channel} has {@code n} subscribers on {@code node}. */
  static void awaitSubscribers(PushwireNode node, String channel, int n) throws Exception {
    await(n + " subscribers on " + channel)
        .atMost(JdkWebSocketClient.WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> node.hub().channels().getOrDefault(channel, 0) == n);
  }
}
