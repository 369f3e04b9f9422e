package dev.pushwire.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.SubscribeResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Encodes {@code pushwire.v1} replies: {@code {"id":..,"result":{..}}} or {@code
 * {"id":..,"error":{"code":..,"message":..}}}, and the result of each command. See {@code
 * docs/PROTOCOL.md}.
 */
final class V1ReplyEncoder {
  private V1ReplyEncoder() {}

  /** The reply to command {@code id} with {@code result}. */
  static String result(JsonNode id, ObjectNode result) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("id", id);
    out.set("result", result);
    return Json.write(out);
  }

  /** The error reply to command {@code id}; a {@code null} id (none could be read) goes as null. */
  static String error(JsonNode id, ErrorCode code, String message) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (id == null) {
      out.putNull("id");
    } else {
      out.set("id", id);
    }
    ObjectNode error = out.putObject("error");
    error.put("code", code.code());
    error.put("message", message);
    return Json.write(out);
  }

  /** The result of {@code ping} and {@code unsubscribe}. */
  static ObjectNode empty() {
    return Json.MAPPER.createObjectNode();
  }

  static ObjectNode subscribed(SubscribeResult r) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("channel", r.channel());
    result.put("recovered", r.recovered());
    result.put("offset", r.offset());
    result.put("epoch", r.epoch());
    if (r.lost() != null) {
      ObjectNode lost = result.putObject("lost");
      lost.put("from", r.lost().from());
      lost.put("to", r.lost().to());
    }
    return result;
  }

  static ObjectNode published(PublishResult r) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("offset", r.offset());
    result.put("epoch", r.epoch());
    return result;
  }

  /** {@code recoverable} is only told to a client that asked with a position. */
  static ObjectNode history(String channel, boolean withSince, HistoryResult h) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("channel", channel);
    result.put("offset", h.offset());
    result.put("epoch", h.epoch());
    if (withSince) {
      result.put("recoverable", h.recoverable());
    }
    ArrayNode pubs = result.putArray("publications");
    for (Publication p : h.publications()) {
      ObjectNode pub = pubs.addObject();
      pub.put("offset", p.offset());
      String data = new String(p.data(), StandardCharsets.UTF_8);
      pub.putRawValue("data", new RawValue(data.isBlank() ? "null" : data));
      pub.put("publishedAt", p.publishedAt());
    }
    return result;
  }

  static ObjectNode presence(String channel, List<PresenceEntry> entries) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("channel", channel);
    result.put("connections", entries.size());
    result.put(
        "users",
        entries.stream().map(PresenceEntry::user).filter(Objects::nonNull).distinct().count());
    ArrayNode clients = result.putArray("clients");
    for (PresenceEntry e : entries) {
      ObjectNode client = clients.addObject();
      client.put("connection", e.connectionId());
      if (e.user() == null) {
        client.putNull("user");
      } else {
        client.put("user", e.user());
      }
      client.put("node", e.nodeId());
      client.put("subscribedAt", e.subscribedAt().toEpochMilli());
    }
    return result;
  }
}
