package dev.pushwire.client;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.redis.RedisBroker;
import dev.pushwire.redis.RedisConfig;
import dev.pushwire.redis.RedisRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;

/**
 * A node in a JVM of its own, for {@link NodeJvm}: core's server with the hub on the Redis broker
 * and registry. Arguments: Redis URI, node id, history size, and a file to write the bound port to
 * once it serves. It runs until killed.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    String redis = args[0];
    String nodeId = args[1];
    int historySize = Integer.parseInt(args[2]);
    Path portFile = Path.of(args[3]);
    RedisConfig redisConfig =
        RedisConfig.newBuilder(redis)
            .nodeId(nodeId)
            .maxReconnectDelay(Duration.ofMillis(200))
            .build();
    WebSocketServer server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    Hub.create(
        server,
        HubConfig.newBuilder().nodeId(nodeId).historySize(historySize).build(),
        RedisBroker.connect(redisConfig, null, Clock.systemUTC()),
        RedisRegistry.connect(redisConfig));
    int port = server.start();
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.UTF_8);
    Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
