package dev.pushwire.server.internal.backends;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.spi.NodeMessageListener;
import dev.pushwire.server.internal.api.ApiJson;
import dev.pushwire.server.internal.api.PublisherEndpoint;
import dev.pushwire.server.internal.config.DurationText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes to one connection, or disconnects it, wherever it lives. A connection on this node is
 * acted on at once; one on another node (its id {@code NODE:N} names the node) is reached through
 * the Redis broker's node-addressed topic ({@link Backends#sendToNode}): the request goes to that
 * node, which acts on its connection and sends back the outcome, which this node waits for up to
 * {@link #REPLY_TIMEOUT}.
 *
 * <p>Messages between nodes are JSON objects: {@code {"op":"push","req":7,"from":"a",
 * "connection":42,"data":VALUE}}, {@code {"op":"disconnect",...,"code":1000,"reason":"..."}} and
 * the answer {@code {"op":"reply","req":7,"status":200|404,"code":"...","message":"..."}}.
 *
 * <p>What a connection receives from a push: a plain client the value as a publication's payload (a
 * JSON string as its text, anything else as JSON text); a {@code pushwire.v1} client {@code
 * {"data":VALUE}}, a message with no channel and no offset.
 */
public final class ClusterConnections implements NodeMessageListener {
  private static final Logger log = LoggerFactory.getLogger(ClusterConnections.class);

  /** How long this node waits for another node's answer. */
  public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(3);

  /**
   * What became of a push or disconnect.
   *
   * @param status 200 when done, else the HTTP status to answer
   * @param code the error code ({@code no_connection}, {@code unavailable}), or {@code null}
   * @param message what happened, for people
   */
  public record Outcome(int status, String code, String message) {
    static Outcome ok() {
      return new Outcome(200, null, null);
    }

    static Outcome noConnection(String message) {
      return new Outcome(404, ErrorCode.NO_CONNECTION.code(), message);
    }

    /** Whether the push or disconnect was done. */
    public boolean done() {
      return status == 200;
    }
  }

  private final WebSocketServer server;
  private final Hub hub;
  private final PublisherEndpoint publishers;
  private final Backends backends;
  private final AtomicLong nextRequest = new AtomicLong();
  private final ConcurrentHashMap<Long, CompletableFuture<Outcome>> waiting =
      new ConcurrentHashMap<>();

  /** Acts on {@code server}'s hub connections; reaches other nodes through {@code backends}. */
  public ClusterConnections(
      WebSocketServer server, Hub hub, PublisherEndpoint publishers, Backends backends) {
    this.server = server;
    this.hub = hub;
    this.publishers = publishers;
    this.backends = backends;
  }

  /**
   * Sends the JSON value {@code json} to connection {@code connectionId} of node {@code nodeId}.
   */
  public CompletionStage<Outcome> push(String nodeId, long connectionId, String json) {
    if (nodeId.equals(hub.nodeId())) {
      return CompletableFuture.completedFuture(pushHere(connectionId, json, "this node"));
    }
    ObjectNode request = request("push", connectionId);
    try {
      request.set("data", ApiJson.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
    return ask(nodeId, connectionId, request);
  }

  /** Closes connection {@code connectionId} of node {@code nodeId} with {@code code}. */
  public CompletionStage<Outcome> disconnect(
      String nodeId, long connectionId, int code, String reason) {
    if (nodeId.equals(hub.nodeId())) {
      return CompletableFuture.completedFuture(
          disconnectHere(connectionId, code, reason, "this node"));
    }
    ObjectNode request = request("disconnect", connectionId);
    request.put("code", code).put("reason", reason);
    return ask(nodeId, connectionId, request);
  }

  /** Whether connections on other nodes can be reached at all (the broker is Redis). */
  public boolean reachesOtherNodes() {
    return backends.reachesOtherNodes();
  }

  @Override
  public void onNodeMessage(byte[] message) {
    JsonNode m;
    try {
      m = ApiJson.MAPPER.readTree(message);
    } catch (IOException e) {
      log.warn("Ignored a node message that is not JSON: {}", e.getMessage());
      return;
    }
    String op = m.path("op").asText("");
    long req = m.path("req").asLong(-1);
    switch (op) {
      case "reply" -> {
        CompletableFuture<Outcome> f = waiting.remove(req);
        if (f != null) {
          f.complete(
              new Outcome(
                  m.path("status").asInt(500),
                  m.hasNonNull("code") ? m.get("code").asText() : null,
                  m.hasNonNull("message") ? m.get("message").asText() : null));
        }
      }
      case "push" ->
          reply(
              m,
              pushHere(
                  m.path("connection").asLong(),
                  ApiJson.write(m.path("data")),
                  "node " + hub.nodeId()));
      case "disconnect" ->
          reply(
              m,
              disconnectHere(
                  m.path("connection").asLong(),
                  m.path("code").asInt(1000),
                  m.path("reason").asText(""),
                  "node " + hub.nodeId()));
      default -> log.warn("Ignored a node message with op '{}'", op);
    }
  }

  // ---- this node ----------------------------------------------------------------------------

  private Outcome pushHere(long connectionId, String json, String here) {
    Optional<ConnectionInfo> info = server.connectionInfo(connectionId);
    if (info.isEmpty() || publishers.owns(info.get().path())) {
      return Outcome.noConnection(notHere(connectionId, here));
    }
    String text;
    if (Hub.SUBPROTOCOL.equals(info.get().subprotocol())) {
      text = "{\"data\":" + json + "}";
    } else {
      text = plainText(json);
    }
    return server.push(connectionId, text)
        ? Outcome.ok()
        : Outcome.noConnection(notHere(connectionId, here));
  }

  private Outcome disconnectHere(long connectionId, int code, String reason, String here) {
    return server.disconnect(connectionId, code, reason)
        ? Outcome.ok()
        : Outcome.noConnection(notHere(connectionId, here));
  }

  private String notHere(long connectionId, String here) {
    return "no open connection " + hub.nodeId() + ":" + connectionId + " on " + here;
  }

  /** What a plain client receives for the JSON value {@code json}, as for a publication. */
  static String plainText(String json) {
    if (!json.stripLeading().startsWith("\"")) {
      return json;
    }
    try {
      return ApiJson.MAPPER.readValue(json, String.class);
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  // ---- other nodes --------------------------------------------------------------------------

  private ObjectNode request(String op, long connectionId) {
    return ApiJson.object()
        .put("op", op)
        .put("req", nextRequest.incrementAndGet())
        .put("from", hub.nodeId())
        .put("connection", connectionId);
  }

  private CompletionStage<Outcome> ask(String nodeId, long connectionId, ObjectNode request) {
    String target = nodeId + ":" + connectionId;
    if (!backends.reachesOtherNodes()) {
      return CompletableFuture.completedFuture(
          Outcome.noConnection(
              "connection "
                  + target
                  + " is not on this node ("
                  + hub.nodeId()
                  + "), and other nodes cannot be reached with the memory broker: send the"
                  + " request to node "
                  + nodeId));
    }
    long req = request.get("req").asLong();
    CompletableFuture<Outcome> answer = new CompletableFuture<>();
    waiting.put(req, answer);
    backends
        .sendToNode(nodeId, bytes(request))
        .whenComplete(
            (receivers, e) -> {
              if (e != null) {
                waiting.remove(req);
                HubException h =
                    e instanceof HubException x
                        ? x
                        : e.getCause() instanceof HubException x
                            ? x
                            : new HubException(ErrorCode.UNAVAILABLE, String.valueOf(e));
                answer.complete(new Outcome(503, h.code().code(), h.getMessage()));
              } else if (receivers == 0) {
                waiting.remove(req);
                answer.complete(
                    Outcome.noConnection(
                        "no node " + nodeId + " is running, so no connection " + target));
              }
            });
    return answer
        .orTimeout(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            e -> {
              waiting.remove(req);
              if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
                return new Outcome(
                    503,
                    ErrorCode.UNAVAILABLE.code(),
                    "node "
                        + nodeId
                        + " did not answer within "
                        + DurationText.format(REPLY_TIMEOUT));
              }
              return new Outcome(500, ErrorCode.INTERNAL.code(), String.valueOf(e));
            });
  }

  private void reply(JsonNode request, Outcome outcome) {
    String from = request.path("from").asText("");
    if (from.isEmpty()) {
      return;
    }
    ObjectNode reply =
        ApiJson.object()
            .put("op", "reply")
            .put("req", request.path("req").asLong())
            .put("status", outcome.status());
    if (outcome.code() != null) {
      reply.put("code", outcome.code()).put("message", outcome.message());
    }
    backends
        .sendToNode(from, bytes(reply))
        .whenComplete(
            (n, e) -> {
              if (e != null) {
                log.warn("Could not answer node {}: {}", from, e.getMessage());
              }
            });
  }

  private static byte[] bytes(JsonNode node) {
    return ApiJson.write(node).getBytes(StandardCharsets.UTF_8);
  }
}
