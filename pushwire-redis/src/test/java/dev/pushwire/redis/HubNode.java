package dev.pushwire.redis;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.testing.V1TestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A node for the delivery tests: a WebSocket server on a free loopback port with a hub over a Redis
 * broker ({@link RedisBrokers#connect}: one Redis or several shards) that fails fast (2 s commands)
 * and reconnects quickly (200 ms at most).
 */
record HubNode(WebSocketServer server, Hub hub, NodeLinkedBroker broker) {

  /**
   * Starts node {@code id} on the Redis at {@code redisUri}; what it holds goes into {@code
   * resources}, to be closed in reverse order.
   */
  static HubNode start(String id, String redisUri, int historySize, List<AutoCloseable> resources) {
    WebSocketServer server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(2)
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    NodeLinkedBroker broker =
        RedisBrokers.connect(
            RedisConfig.newBuilder(redisUri)
                .nodeId(id)
                .commandTimeout(Duration.ofSeconds(2))
                .maxReconnectDelay(Duration.ofMillis(200))
                .build());
    HubConfig config =
        HubConfig.newBuilder()
            .nodeId(id)
            .historySize(historySize)
            .historyTtl(Duration.ofMinutes(10))
            .build();
    MemoryRegistry registry = new MemoryRegistry();
    Hub hub = Hub.create(server, config, broker, registry);
    server.start();
    resources.add(() -> server.stop(Duration.ofSeconds(1)));
    resources.add(registry::close);
    resources.add(broker::close);
    resources.add(hub::close);
    return new HubNode(server, hub, broker);
  }

  /**
   * A {@code pushwire.v1} client of this node on {@code channel}, closed with {@code resources}.
   */
  V1TestClient client(String channel, List<AutoCloseable> resources) {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
    V1TestClient c = new V1TestClient(() -> uri, channel);
    resources.add(c);
    return c;
  }
}
