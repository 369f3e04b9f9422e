package dev.pushwire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  static String figures(String test, String text) {
    String line = "MULTI-NODE FIGURES [" + test + "] " + text;
    System.out.println(line);
    System.err.println(line);
    return line;
  }
}
