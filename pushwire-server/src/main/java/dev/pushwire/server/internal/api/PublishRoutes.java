package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.server.internal.NodeContext;
import dev.pushwire.server.internal.metrics.NodeCounters.Source;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's publishing routes, {@code /api/publish} and {@code /api/broadcast}: each publication is
 * counted as one from the HTTP API, accepted or failed, and answered with its position.
 */
final class PublishRoutes {
  /** Most channels one broadcast may name. */
  static final int MAX_BROADCAST_CHANNELS = 1000;

  private static final String PUBLISH_EXAMPLE = "{\"channel\":\"news\",\"data\":\"hello\"}";
  private static final String BROADCAST_EXAMPLE = "{\"channels\":[\"a\",\"b\"],\"data\":\"hello\"}";

  private final NodeContext node;

  PublishRoutes(NodeContext node) {
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
                    200, position(r).put("localSubscribers", hub().subscriberCount(channel))));
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
}
