package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.NodeContext;
import dev.pushwire.server.internal.backends.ClusterConnections;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's connection routes, {@code /api/connections}, {@code /api/disconnect} and {@code
 * /api/push}: a connection is named by its id on this node ({@code 42}) or, with the Redis broker,
 * on any node ({@code "node:42"}).
 */
final class ConnectionRoutes {
  private static final String DISCONNECT_EXAMPLE = "{\"id\":\"node1:42\"}";
  private static final String PUSH_EXAMPLE = "{\"id\":\"node1:42\",\"data\":\"hello\"}";

  private final NodeContext node;

  ConnectionRoutes(NodeContext node) {
    this.node = node;
  }

  private Hub hub() {
    return node.hub();
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
}
