package dev.pushwire.server.internal.metrics;

import dev.pushwire.core.ServerStats;
import dev.pushwire.core.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The WebSocket server's figures as meters: open connections, connections opened, messages and
 * bytes each way, slow consumers, handshakes refused by reason and protocol closes by code. They
 * read the server's counters as of the latest {@link #refresh()}.
 */
final class ConnectionMeters {
  /** The refusal reasons the server knows; others get their series when first seen. */
  private static final List<String> REFUSAL_REASONS =
      List.of(
          "origin",
          "max_connections",
          "max_connections_per_ip",
          "bad_request",
          "too_large",
          "version",
          "timeout",
          "application",
          "not_found",
          "error");

  private final MeterRegistry registry;
  private final Set<String> refusalReasons = ConcurrentHashMap.newKeySet();
  private final Set<Integer> closeCodes = ConcurrentHashMap.newKeySet();
  private volatile WebSocketServer server;
  private volatile ServerStats stats;

  ConnectionMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers {@code server}'s meters; call once. */
  void bind(WebSocketServer server) {
    this.server = server;
    this.stats = server.stats();
    Gauge.builder("pushwire.connections", this, m -> m.stats.connections())
        .description("Open WebSocket connections (subscribers and publishers)")
        .register(registry);
    serverCounter(
        "pushwire.connections.opened",
        "WebSocket connections opened",
        null,
        s -> s.connectionsOpened());
    serverCounter(
        "pushwire.messages.received",
        "Whole messages received from clients",
        null,
        s -> s.messagesIn());
    serverCounter(
        "pushwire.messages.sent", "Messages queued to clients", null, s -> s.messagesOut());
    serverCounter(
        "pushwire.received",
        "Payload bytes received from clients (after inflation)",
        "bytes",
        s -> s.bytesIn());
    serverCounter(
        "pushwire.sent",
        "Payload bytes queued to clients (before compression)",
        "bytes",
        s -> s.bytesOut());
    serverCounter(
        "pushwire.slow.consumer.drops",
        "Messages skipped for connections above their outbound buffer limit",
        null,
        s -> s.slowConsumerDrops());
    serverCounter(
        "pushwire.slow.consumer.closes",
        "Connections closed by the slow-consumer policy",
        null,
        s -> s.slowConsumerCloses());
    REFUSAL_REASONS.forEach(this::refusalCounter);
  }

  /** Reads the server's counters again, adding the series of reasons and codes first seen. */
  void refresh() {
    WebSocketServer s = server;
    if (s != null) {
      ServerStats snapshot = s.stats();
      snapshot.handshakesRefused().keySet().forEach(this::refusalCounter);
      snapshot.protocolCloses().keySet().forEach(this::closeCounter);
      stats = snapshot;
    }
  }

  /** The server's counters as of the latest refresh. */
  ServerStats stats() {
    return stats;
  }

  private void serverCounter(
      String name, String description, String unit, ToDoubleFunction<ServerStats> value) {
    FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  private void refusalCounter(String reason) {
    if (refusalReasons.add(reason)) {
      FunctionCounter.builder(
              "pushwire.handshakes.refused",
              this,
              m -> m.stats.handshakesRefused().getOrDefault(reason, 0L))
          .description("WebSocket upgrades refused (and HTTP connections dropped), by reason")
          .tag("reason", reason)
          .register(registry);
    }
  }

  private void closeCounter(int code) {
    if (closeCodes.add(code)) {
      FunctionCounter.builder(
              "pushwire.protocol.closes",
              this,
              m -> m.stats.protocolCloses().getOrDefault(code, 0L))
          .description("Connections closed for a protocol violation, by close code")
          .tag("code", Integer.toString(code))
          .register(registry);
    }
  }
}
