package dev.pushwire.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What the multi-node tests share: publishing, listing connections, printing figures. */
final class ClusterTests {
  static final ObjectMapper JSON = new ObjectMapper();

  private ClusterTests() {}

  /** {@code POST /api/publish} of the text {@code data} on {@code channel} at {@code node}. */
  static HttpResponse<String> publish(NodeProcess node, String channel, String data)
      throws Exception {
    return node.api(
        "POST",
        "/api/publish",
        "{\"channel\":\"" + channel + "\",\"data\":" + JSON.writeValueAsString(data) + "}");
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  /** The ids in {@code GET /api/connections} at {@code node}, sorted. */
  static List<String> connectionIds(NodeProcess node) throws Exception {
    HttpResponse<String> r = node.api("GET", "/api/connections", null);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /api/connections: " + r.statusCode() + " " + r.body());
    }
    TreeSet<String> ids = new TreeSet<>();
    for (JsonNode c : json(r).get("connections")) {
      ids.add(c.get("id").asText());
    }
    return new ArrayList<>(ids);
  }

  /** The ids of {@code node}'s connections subscribed to {@code channel}, as another lists them. */
  static List<String> connectionIds(NodeProcess askedNode, String nodeId, String channel)
      throws Exception {
    HttpResponse<String> r = askedNode.api("GET", "/api/connections", null);
    List<String> ids = new ArrayList<>();
    for (JsonNode c : json(r).get("connections")) {
      boolean onChannel = false;
      for (JsonNode ch : c.get("channels")) {
        onChannel |= ch.asText().equals(channel);
      }
      if (onChannel && c.get("node").asText().equals(nodeId)) {
        ids.add(c.get("id").asText());
      }
    }
    return ids;
  }

  /** Prints one line the lead can quote, and returns it. */
  /** How many connections {@code node} itself has subscribed to {@code channel}. */
  static int localSubscribers(NodeProcess node, String channel) throws Exception {
    for (JsonNode c : json(node.api("GET", "/api/channels", null)).get("channels")) {
      if (c.get("channel").asText().equals(channel)) {
        return c.get("subscribers").asInt();
      }
    }
    return 0;
  }

  /**
   * Connects a plain subscriber to {@code channel} on {@code node} and waits until the node counts
   * it (a plain client subscribes as it opens, after the handshake has completed).
   */
  static JdkWebSocketClient plainSubscriber(NodeProcess node, String channel) throws Exception {
    int before = localSubscribers(node, channel);
    JdkWebSocketClient s = JdkWebSocketClient.connect(node.ws("/?channel=" + channel));
    await(node + " counts the plain subscriber on " + channel)
        .atMost(JdkWebSocketClient.WAIT)
        .ignoreExceptions()
        .until(() -> localSubscribers(node, channel) == before + 1);
    return s;
  }

  static String figures(String test, String text) {
    String line = "MULTI-NODE FIGURES [" + test + "] " + text;
    System.out.println(line);
    System.err.println(line);
    return line;
  }
}
