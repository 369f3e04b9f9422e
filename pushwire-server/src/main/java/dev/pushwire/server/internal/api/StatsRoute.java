package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerStats;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.NodeContext;
import dev.pushwire.server.internal.backends.Backends;
import dev.pushwire.server.internal.metrics.NodeCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The API's {@code /api/stats}: this node's figures and its backends' status. */
final class StatsRoute {
  private final NodeContext node;

  StatsRoute(NodeContext node) {
    this.node = node;
  }

  private Hub hub() {
    return node.hub();
  }

  /**
   * {@code GET /api/stats}: the server's counters, the hub's channels, this node's counters, totals
   * since start (for rates) and the backends' status.
   */
  CompletionStage<HttpResponse> stats(HttpRequest request) {
    ObjectNode answer = ApiJson.object();
    answer.put("node", hub().nodeId());
    answer.put("startedAt", node.startedAt().toString());
    answer.put("uptimeSeconds", Duration.between(node.startedAt(), Instant.now()).toSeconds());
    ServerStats s = node.server().stats();
    ObjectNode server = answer.putObject("server");
    server.put("connections", s.connections());
    server.put("connectionsOpened", s.connectionsOpened());
    server.put("messagesIn", s.messagesIn());
    server.put("bytesIn", s.bytesIn());
    server.put("messagesOut", s.messagesOut());
    server.put("bytesOut", s.bytesOut());
    server.put("slowConsumerDrops", s.slowConsumerDrops());
    server.put("slowConsumerCloses", s.slowConsumerCloses());
    server.set(
        "handshakesRefused", ApiJson.MAPPER.valueToTree(new TreeMap<>(s.handshakesRefused())));
    server.set("protocolCloses", ApiJson.MAPPER.valueToTree(new TreeMap<>(s.protocolCloses())));
    Map<String, Integer> channels = hub().channels();
    ObjectNode hubStats = answer.putObject("hub");
    hubStats.put("channels", channels.size());
    hubStats.put("subscriptions", channels.values().stream().mapToLong(Integer::longValue).sum());
    hubStats.put("publishers", node.publishers().count());
    long brokerChannels = hub().broker().channelCount();
    if (brokerChannels >= 0) {
      // Only the in-memory broker keeps channels in this process; Redis keeps them in Redis.
      hubStats.put("brokerChannels", brokerChannels);
    }
    NodeCounters counters = node.counters();
    ObjectNode publications = answer.putObject("publications");
    publications.set("published", ApiJson.MAPPER.valueToTree(counters.published()));
    publications.set("failed", ApiJson.MAPPER.valueToTree(counters.failed()));
    ObjectNode api = answer.putObject("api");
    api.put("requests", counters.apiRequests());
    api.put("unauthorized", counters.apiUnauthorizedCount());
    api.put("tooLarge", counters.tooLargeCount(s));
    // Totals since start, for rates (difference of two reads over their interval).
    ObjectNode totals = answer.putObject("totals");
    totals.put("messagesIn", s.messagesIn());
    totals.put("messagesOut", s.messagesOut());
    totals.put("bytesIn", s.bytesIn());
    totals.put("bytesOut", s.bytesOut());
    totals.put("publications", counters.acceptedCount());
    totals.put("deliveries", counters.deliveries());
    totals.put("drops", s.slowConsumerDrops());
    totals.put("slowConsumerCloses", s.slowConsumerCloses());
    totals.put("backendErrors", counters.backendErrors());
    ObjectNode backends = answer.putObject("backends");
    for (Backends.Status b : node.backends().statuses()) {
      ObjectNode o = backends.putObject(b.role());
      o.put("kind", b.kind());
      o.put("address", b.address());
      o.put("available", b.available());
      o.put("lastError", b.lastError());
    }
    return CompletableFuture.completedFuture(ApiJson.response(200, answer));
  }
}
