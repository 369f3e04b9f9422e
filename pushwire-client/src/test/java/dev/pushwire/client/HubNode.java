package dev.pushwire.client;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerSettingsBuilder;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.internal.HubImpl;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.Registry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real Pushwire node for the tests, built from core and hub only (pushwire-server depends on this
 * module, so its tests cannot use it): a {@link WebSocketServer} on a free loopback port with a
 * {@link Hub} on it. A test can shut its door ({@link #refuseUpgrades}: every upgrade gets 503), so
 * that a client stays away while publications go on; and drop a client's connection.
 */
final class HubNode implements AutoCloseable {
  final WebSocketServer server;
  final Hub hub;
  final int port;
  private volatile boolean refusing;
  private final List<Map<String, List<String>>> upgradeQueries = new CopyOnWriteArrayList<>();
  private final List<String> upgradeAuthorizations = new CopyOnWriteArrayList<>();

  /** A node with the memory broker and registry. */
  static HubNode start(HubConfig config) {
    return start(settings().build(), config);
  }

  /** A node with the memory broker and registry, and server {@code settings}. */
  static HubNode start(ServerSettings settings, HubConfig config) {
    return new HubNode(settings, config, new MemoryBroker(), new MemoryRegistry(), true);
  }

  /** A node on {@code broker} and {@code registry}, which it does not close. */
  static HubNode start(HubConfig config, Broker broker, Registry registry) {
    return new HubNode(settings().build(), config, broker, registry, false);
  }

  /** Server settings on 127.0.0.1, any free port, with the {@code pushwire.v1} subprotocol. */
  static ServerSettingsBuilder settings() {
    return ServerSettings.newBuilder().host("127.0.0.1").port(0).subprotocols(Hub.SUBPROTOCOL);
  }

  private HubNode(
      ServerSettings settings,
      HubConfig config,
      Broker broker,
      Registry registry,
      boolean ownsBackends) {
    server = WebSocketServer.create(settings);
    hub = HubImpl.install(server, config, broker, registry, ownsBackends);
    server.onHandshake(
        request -> {
          upgradeQueries.add(request.query());
          String auth = request.header("Authorization");
          if (auth != null) {
            upgradeAuthorizations.add(auth);
          }
          return refusing
              ? HandshakeDecision.reject(503, "closed for the test")
              : hub.checkHandshake(request);
        });
    port = server.start();
  }

  /** {@code ws://127.0.0.1:PORT/}. */
  URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** While true, every upgrade is refused with 503. */
  void refuseUpgrades(boolean refuse) {
    refusing = refuse;
  }

  /** The query of every upgrade request so far, in order. */
  List<Map<String, List<String>>> upgradeQueries() {
    return upgradeQueries;
  }

  /** The {@code Authorization} header of every upgrade request that had one, in order. */
  List<String> upgradeAuthorizations() {
    return upgradeAuthorizations;
  }

  /** Publishes {@code text} as a JSON string through the hub's Java API. */
  PublishResult publish(String channel, String text) {
    try {
      return hub.publishText(channel, text).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("publish to " + channel + " failed", e);
    }
  }

  /** Closes every connection subscribed to {@code channel} on this node with {@code code}. */
  int disconnectSubscribers(String channel, int code, String reason) {
    int n = 0;
    for (long id : hub.subscribers(channel)) {
      if (server.disconnect(id, code, reason)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    hub.close();
    server.stop(Duration.ofSeconds(2));
  }
}
