package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.server.internal.NodeContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's channel reads, {@code /api/history}, {@code /api/presence} and {@code /api/channels},
 * with their query parameters checked before the hub is asked.
 */
final class ChannelRoutes {
  /** The history limit when none is given, and the largest one allowed. */
  static final int DEFAULT_HISTORY_LIMIT = 100;

  static final int MAX_HISTORY_LIMIT = 10_000;

  private final NodeContext node;

  ChannelRoutes(NodeContext node) {
    this.node = node;
  }

  private Hub hub() {
    return node.hub();
  }

  /**
   * {@code GET /api/history?channel=C[&limit=N][&since=OFFSET[&epoch=E]]}: the latest {@code limit}
   * publications, or the first {@code limit} after {@code since}. Without {@code epoch}, {@code
   * since} is read in the channel's current epoch.
   */
  CompletionStage<HttpResponse> history(HttpRequest request) {
    String channel = ChannelName.requireValid(requiredParam(request, "channel"));
    int limit = intParam(request, "limit", DEFAULT_HISTORY_LIMIT, 0, MAX_HISTORY_LIMIT);
    String sinceText = request.queryParam("since");
    String epoch = request.queryParam("epoch");
    if (sinceText == null) {
      if (epoch != null) {
        throw ApiException.badRequest("query parameter 'epoch' needs 'since' (an offset)");
      }
      return hub()
          .history(channel, HistoryOptions.latest(limit))
          .thenApply(h -> ApiJson.response(200, history(channel, h, false)));
    }
    long since = longParam("since", sinceText);
    CompletionStage<String> epochStage =
        epoch != null
            ? CompletableFuture.completedFuture(epoch)
            : hub().history(channel, HistoryOptions.top()).thenApply(HistoryResult::epoch);
    return epochStage
        .thenCompose(
            e -> hub().history(channel, HistoryOptions.since(new StreamPosition(since, e), limit)))
        .thenApply(h -> ApiJson.response(200, history(channel, h, true)));
  }

  /** {@code GET /api/presence?channel=C}: who is subscribed, on every node. */
  CompletionStage<HttpResponse> presence(HttpRequest request) {
    String channel = ChannelName.requireValid(requiredParam(request, "channel"));
    return hub()
        .presence(channel)
        .thenCombine(
            hub().presenceStats(channel),
            (entries, stats) -> ApiJson.response(200, presence(channel, entries, stats)));
  }

  /** {@code GET /api/channels}: the channels with subscribers on this node. */
  CompletionStage<HttpResponse> channels(HttpRequest request) {
    ObjectNode answer = ApiJson.object();
    Map<String, Integer> counts = new TreeMap<>(hub().channels());
    answer.put("node", hub().nodeId());
    answer.put("count", counts.size());
    ArrayNode list = answer.putArray("channels");
    counts.forEach((name, n) -> list.addObject().put("channel", name).put("subscribers", n));
    return CompletableFuture.completedFuture(ApiJson.response(200, answer));
  }

  private static ObjectNode history(String channel, HistoryResult h, boolean withSince) {
    ObjectNode answer = ApiJson.object();
    answer.put("channel", channel);
    answer.put("offset", h.offset());
    answer.put("epoch", h.epoch());
    if (withSince) {
      answer.put("recoverable", h.recoverable());
    }
    ArrayNode pubs = answer.putArray("publications");
    for (Publication p : h.publications()) {
      ObjectNode o = pubs.addObject();
      o.put("offset", p.offset());
      String data = new String(p.data(), StandardCharsets.UTF_8);
      o.putRawValue("data", new RawValue(data.isBlank() ? "null" : data));
      o.put("publishedAt", p.publishedAt());
    }
    return answer;
  }

  private static ObjectNode presence(
      String channel, List<PresenceEntry> entries, PresenceStats stats) {
    ObjectNode answer = ApiJson.object();
    answer.put("channel", channel);
    answer.put("connections", stats.connections());
    answer.put("users", stats.users());
    ArrayNode clients = answer.putArray("clients");
    for (PresenceEntry e : entries) {
      ObjectNode o = clients.addObject();
      o.put("connection", e.connectionId());
      if (e.user() == null) {
        o.putNull("user");
      } else {
        o.put("user", e.user());
      }
      o.put("node", e.nodeId());
      o.put("subscribedAt", e.subscribedAt().toEpochMilli());
    }
    return answer;
  }

  private static String requiredParam(HttpRequest request, String name) {
    String v = request.queryParam(name);
    if (v == null) {
      throw ApiException.badRequest("query parameter '" + name + "' is missing");
    }
    return v;
  }

  private static int intParam(HttpRequest request, String name, int fallback, int min, int max) {
    String v = request.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.badRequest(
        "query parameter '" + name + "': bad value '" + v + "' (expected " + min + "-" + max + ")");
  }

  private static long longParam(String name, String v) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.badRequest(
        "query parameter '" + name + "': bad value '" + v + "' (expected an offset, 0 or more)");
  }
}
