package dev.pushwire.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.core.ServerStats;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.server.internal.NodeCounters.Source;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The HTTP API's routes, each turning a request into a JSON answer, later. Field names follow the
 * {@code pushwire.v1} protocol's replies (see {@code docs/PROTOCOL.md}), so a history or presence
 * read looks the same over HTTP and over the socket.
 */
public final class ApiRoutes {
  /** Most channels one broadcast may name. */
  public static final int MAX_BROADCAST_CHANNELS = 1000;

  /** The history limit when none is given, and the largest one allowed. */
  public static final int DEFAULT_HISTORY_LIMIT = 100;

  public static final int MAX_HISTORY_LIMIT = 10_000;

  private static final String PUBLISH_EXAMPLE = "{\"channel\":\"news\",\"data\":\"hello\"}";
  private static final String BROADCAST_EXAMPLE = "{\"channels\":[\"a\",\"b\"],\"data\":\"hello\"}";
  private static final String DISCONNECT_EXAMPLE = "{\"id\":\"node1:42\"}";
  private static final String PUSH_EXAMPLE = "{\"id\":\"node1:42\",\"data\":\"hello\"}";

  private final NodeContext node;

  /** Routes acting on {@code node}. */
  public ApiRoutes(NodeContext node) {
    this.node = node;
  }

  private Hub hub() {
    return node.hub();
  }

  /**
   * {@code POST /api/publish {"channel":"news","data":ANY}} → {@code
   * {"offset":N,"epoch":"...","localSubscribers":N}}: how many clients of this node were subscribed
   * when it was accepted (none is no error, but worth a hint: a typo in the channel, or the
   * subscribers are on other nodes).
   */
  CompletionStage<HttpResponse> publish(HttpRequest request) {
    JsonBody body = JsonBody.parse(request.body(), List.of("channel", "data"), PUBLISH_EXAMPLE);
    String channel = body.string("channel", hub().config().defaultChannel());
    ChannelName.requireValid(channel);
    // The body's one parse checked the data: the hub writes the tree to bytes without a second.
    JsonNode data = body.required("data");
    return countPublish(hub().publish(channel, data))
        .thenApply(
            r ->
                ApiJson.response(
                    200, position(r).put("localSubscribers", hub().subscribers(channel).size())));
  }

  /**
   * {@code POST /api/broadcast {"channels":[...],"data":ANY}} → {@code {"results":[{"channel",
   * "offset","epoch"} or {"channel","error"}]}}; the status is that of the first failure, if any.
   */
  CompletionStage<HttpResponse> broadcast(HttpRequest request) {
    JsonBody body = JsonBody.parse(request.body(), List.of("channels", "data"), BROADCAST_EXAMPLE);
    JsonNode list = body.required("channels");
    if (!list.isArray()) {
      throw ApiException.badRequest(
          "\"channels\" must be an array of channel names, not " + JsonBody.kind(list));
    }
    if (list.isEmpty()) {
      throw ApiException.badRequest("\"channels\" is empty (expected 1 or more channel names)");
    }
    if (list.size() > MAX_BROADCAST_CHANNELS) {
      throw ApiException.badRequest(
          "\"channels\" has "
              + list.size()
              + " names; at most "
              + MAX_BROADCAST_CHANNELS
              + " allowed");
    }
    LinkedHashSet<String> channels = new LinkedHashSet<>();
    for (JsonNode c : list) {
      if (!c.isTextual()) {
        throw ApiException.badRequest(
            "\"channels\" must hold channel names (strings), not " + JsonBody.kind(c));
      }
      channels.add(ChannelName.requireValid(c.asText()));
    }
    JsonNode data = body.required("data");
    List<CompletableFuture<BroadcastItem>> results = new ArrayList<>();
    for (String channel : channels) {
      results.add(
          countPublish(hub().publish(channel, data))
              .handle(
                  (r, e) -> {
                    ObjectNode item = ApiJson.object().put("channel", channel);
                    if (e == null) {
                      return new BroadcastItem(200, item.setAll(position(r)));
                    }
                    ApiException a = ApiRouter.asApiException(e);
                    return new BroadcastItem(
                        a.status(), item.setAll(ApiJson.errorBody(a.code(), a.getMessage())));
                  }));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              ObjectNode answer = ApiJson.object();
              ArrayNode array = answer.putArray("results");
              int status = 200;
              for (CompletableFuture<BroadcastItem> f : results) {
                BroadcastItem item = f.join();
                array.add(item.body());
                if (status == 200) {
                  status = item.status();
                }
              }
              return ApiJson.response(status, answer);
            });
  }

  private record BroadcastItem(int status, ObjectNode body) {}

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

  /** {@code GET /api/connections}: every subscriber connection on every node. */
  CompletionStage<HttpResponse> connections(HttpRequest request) {
    return hub()
        .connections()
        .thenApply(
            records -> {
              ObjectNode answer = ApiJson.object();
              answer.put("count", records.size());
              ArrayNode list = answer.putArray("connections");
              for (ConnectionRecord r : records) {
                ObjectNode o = list.addObject();
                o.put("id", r.id());
                o.put("node", r.nodeId());
                o.put("connection", r.connectionId());
                o.put("remoteAddress", r.remoteAddress());
                o.put("path", r.path());
                if (r.user() == null) {
                  o.putNull("user");
                } else {
                  o.put("user", r.user());
                }
                ArrayNode channels = o.putArray("channels");
                r.channels().forEach(channels::add);
                o.put("connectedAt", r.connectedAt().toEpochMilli());
              }
              return ApiJson.response(200, answer);
            });
  }

  /**
   * {@code POST /api/disconnect {"id": 42 | "node:42" [, "code": 1000] [, "reason": "..."]}}:
   * closes a connection on this node, or, with the Redis broker, on the node its id names.
   */
  CompletionStage<HttpResponse> disconnect(HttpRequest request) {
    JsonBody body =
        JsonBody.parse(request.body(), List.of("id", "code", "reason"), DISCONNECT_EXAMPLE);
    JsonNode idNode = body.required("id");
    String remoteNode = remoteNode(idNode);
    long id = remoteNode == null ? connectionId(idNode) : remoteConnectionId(idNode);
    int code = CloseCodes.NORMAL;
    if (body.has("code")) {
      JsonNode c = body.required("code");
      if (!c.isIntegralNumber() || !CloseCodes.isValidOnWire(c.asInt())) {
        throw ApiException.badRequest(
            "\"code\" must be a close code that may be sent (1000-1003, 1007-1014, 3000-4999), not "
                + c);
      }
      code = c.asInt();
    }
    String reason = body.string("reason", "disconnected by the server");
    if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
      throw ApiException.badRequest("\"reason\" is longer than 123 bytes in UTF-8");
    }
    if (remoteNode != null) {
      String remoteId = ConnectionRecord.globalId(remoteNode, id);
      return node.cluster()
          .disconnect(remoteNode, id, code, reason)
          .thenApply(o -> answer(o, ApiJson.object().put("disconnected", remoteId)));
    }
    String globalId = ConnectionRecord.globalId(hub().nodeId(), id);
    if (!node.server().disconnect(id, code, reason)) {
      throw new ApiException(
          404, "no_connection", "no open connection " + globalId + " on this node");
    }
    ObjectNode answer = ApiJson.object().put("disconnected", globalId);
    return CompletableFuture.completedFuture(ApiJson.response(200, answer));
  }

  /**
   * {@code POST /api/push {"id": 42 | "node:42", "data": ANY}}: sends {@code data} to one
   * connection, on this node or, with the Redis broker, on the node its id names. A plain client
   * receives it as a publication's payload, a {@code pushwire.v1} client as {@code {"data":ANY}}.
   */
  CompletionStage<HttpResponse> push(HttpRequest request) {
    JsonBody body = JsonBody.parse(request.body(), List.of("id", "data"), PUSH_EXAMPLE);
    JsonNode idNode = body.required("id");
    String remoteNode = remoteNode(idNode);
    long id = remoteNode == null ? connectionId(idNode) : remoteConnectionId(idNode);
    String target = remoteNode == null ? hub().nodeId() : remoteNode;
    String data = ApiJson.write(body.required("data"));
    String globalId = ConnectionRecord.globalId(target, id);
    return node.cluster()
        .push(target, id, data)
        .thenApply(o -> answer(o, ApiJson.object().put("pushed", globalId)));
  }

  private static HttpResponse answer(ClusterConnections.Outcome o, ObjectNode done) {
    if (!o.done()) {
      throw new ApiException(o.status(), o.code(), o.message());
    }
    return ApiJson.response(200, done);
  }

  /** The node a {@code "node:42"} id names when it is not this node, else {@code null}. */
  private String remoteNode(JsonNode id) {
    if (!id.isTextual() || !node.cluster().reachesOtherNodes()) {
      return null;
    }
    String text = id.asText();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || text.substring(0, colon).equals(hub().nodeId())) {
      return null;
    }
    return text.substring(0, colon);
  }

  private static long remoteConnectionId(JsonNode id) {
    String text = id.asText();
    try {
      long v = Long.parseLong(text.substring(text.lastIndexOf(':') + 1));
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.badRequest(
        "\"id\" must be a connection id such as 42 or \"node:42\", not " + id);
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

  // ---- helpers ------------------------------------------------------------------------------

  private CompletableFuture<PublishResult> countPublish(CompletionStage<PublishResult> stage) {
    return stage
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                node.counters().published(Source.HTTP);
              } else {
                node.counters().failed(Source.HTTP);
              }
            })
        .toCompletableFuture();
  }

  private static ObjectNode position(PublishResult r) {
    return ApiJson.object().put("offset", r.offset()).put("epoch", r.epoch());
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

  /** A local connection id from {@code 42}, {@code "42"} or {@code "node:42"} of this node. */
  private long connectionId(JsonNode id) {
    String text;
    if (id.isIntegralNumber()) {
      text = id.asText();
    } else if (id.isTextual()) {
      text = id.asText();
      int colon = text.lastIndexOf(':');
      if (colon >= 0) {
        String nodeId = text.substring(0, colon);
        if (!nodeId.equals(hub().nodeId())) {
          throw new ApiException(
              404,
              "no_connection",
              "connection "
                  + text
                  + " is not on this node ("
                  + hub().nodeId()
                  + "); send the request to node "
                  + nodeId);
        }
        text = text.substring(colon + 1);
      }
    } else {
      throw ApiException.badRequest(
          "\"id\" must be a connection id such as 42 or \"node:42\", not " + JsonBody.kind(id));
    }
    try {
      long v = Long.parseLong(text);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.badRequest(
        "\"id\" must be a connection id such as 42 or \"node:42\", not " + id);
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
