package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.badResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.client.HistoryResult;
import dev.pushwire.client.Position;
import dev.pushwire.client.Presence;
import dev.pushwire.client.Publication;
import dev.pushwire.client.PushwireException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of pushwire.v1 frames: the commands the client writes, and the replies and results it
 * reads, each checked as it is read (a reply that lacks a field fails its command with {@link
 * PushwireException#BAD_RESPONSE}).
 */
final class FrameCodec {

  /**
   * Publications arrive exactly as published: decimals keep their digits ({@code 2.50} stays {@code
   * 2.50}), and a message with trailing text is not half-read.
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private FrameCodec() {}

  // ---- writing ------------------------------------------------------------------------------

  static ObjectNode fields() {
    return JSON.createObjectNode();
  }

  static ObjectNode channelFields(String channel) {
    return fields().put("channel", channel);
  }

  static ObjectNode positionNode(Position p) {
    return fields().put("offset", p.offset()).put("epoch", p.epoch());
  }

  /** The text of the command {@code op} with {@code id} and {@code fields}. */
  static String command(long id, String op, ObjectNode fields) {
    ObjectNode cmd = fields().put("id", id).put("op", op);
    cmd.setAll(fields);
    return cmd.toString();
  }

  /** The one JSON value of {@code json}, for a publication; a user's mistake is an argument's. */
  static JsonNode value(String json) {
    JsonNode data;
    try {
      data = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "json: bad value (expected one JSON value): " + e.getOriginalMessage(), e);
    }
    if (data == null || data.isMissingNode()) {
      throw new IllegalArgumentException("json: bad value '' (expected one JSON value)");
    }
    return data;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** A frame from the node. */
  static JsonNode read(byte[] frame) throws IOException {
    return JSON.readTree(frame);
  }

  static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.textValue() : fallback;
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** The error a reply's {@code error} object names. */
  static PushwireException errorOf(JsonNode error, String fallback) {
    if (error == null || !error.isObject()) {
      return badResponse(fallback + " (no error object)");
    }
    return new PushwireException(
        text(error, "code", PushwireException.BAD_RESPONSE), text(error, "message", fallback));
  }

  /** The {@code offset} and {@code epoch} of a result. */
  static Position position(JsonNode result, String op) {
    JsonNode offset = result.get("offset");
    JsonNode epoch = result.get("epoch");
    if (offset == null
        || !offset.canConvertToLong()
        || offset.asLong() < 0
        || epoch == null
        || !epoch.isTextual()
        || epoch.textValue().isEmpty()) {
      throw badResponse(op + " reply without a valid offset and epoch: " + result);
    }
    return new Position(offset.asLong(), epoch.textValue());
  }

  static Instant expiresAt(JsonNode refreshed) {
    JsonNode expires = refreshed.get("expiresAt");
    if (expires == null || !expires.canConvertToLong()) {
      throw badResponse("refresh reply without expiresAt: " + refreshed);
    }
    return Instant.ofEpochSecond(expires.asLong());
  }

  static HistoryResult historyResult(JsonNode r) {
    Position top = position(r, "history");
    String channel = text(r, "channel", "");
    List<Publication> publications = new ArrayList<>();
    for (JsonNode p : r.path("publications")) {
      JsonNode offset = p.get("offset");
      JsonNode data = p.get("data");
      if (offset == null || !offset.canConvertToLong() || data == null) {
        throw badResponse("a history publication without offset or data: " + p);
      }
      publications.add(
          new Publication(channel, offset.asLong(), top.epoch(), data, millis(p, "publishedAt")));
    }
    JsonNode recoverable = r.get("recoverable");
    return new HistoryResult(
        channel,
        top,
        publications,
        recoverable != null && recoverable.isBoolean() ? recoverable.booleanValue() : null);
  }

  static Presence presenceResult(JsonNode r) {
    List<Presence.Client> clients = new ArrayList<>();
    for (JsonNode c : r.path("clients")) {
      clients.add(
          new Presence.Client(
              text(c, "connection", ""),
              text(c, "user", null),
              text(c, "node", ""),
              millis(c, "subscribedAt")));
    }
    return new Presence(
        text(r, "channel", ""),
        r.path("connections").asInt(clients.size()),
        r.path("users").asInt(0),
        clients);
  }

  /** A time in epoch milliseconds, or {@code null}. */
  private static Instant millis(JsonNode node, String field) {
    JsonNode at = node.get(field);
    return at != null && at.canConvertToLong() ? Instant.ofEpochMilli(at.asLong()) : null;
  }
}
