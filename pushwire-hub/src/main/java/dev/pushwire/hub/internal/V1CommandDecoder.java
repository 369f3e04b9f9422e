package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.Message;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.StreamPosition;
import java.io.IOException;
import java.util.Locale;

/**
 * Decodes a {@code pushwire.v1} text message into a {@link V1Command}, or says in the client's
 * terms why it is not one: bad JSON, no id, an unknown op, a missing or mistyped field. It checks
 * form only; whether the channel name is valid or the command allowed is for the handler to say.
 */
final class V1CommandDecoder {
  private static final int MAX_ID_LENGTH = 64;
  private static final int MAX_ECHOED_OP = 32;

  private V1CommandDecoder() {}

  /** A message that is not a well-formed command; counts toward the garbage limit. */
  static final class MalformedCommand extends Exception {
    private static final long serialVersionUID = 1L;

    /** The command's id, when it got that far; the error reply echoes it. */
    final transient JsonNode id;

    final ErrorCode code;

    MalformedCommand(JsonNode id, ErrorCode code, String message) {
      super(message, null, false, false);
      this.id = id;
      this.code = code;
    }
  }

  /** Decodes {@code message}; {@code extra}'s ops are well-formed too. */
  static V1Command decode(Message message, CommandHandler extra) throws MalformedCommand {
    if (message.binary()) {
      throw new MalformedCommand(
          null,
          ErrorCode.BAD_REQUEST,
          "binary messages are not part of pushwire.v1; send commands as JSON text");
    }
    JsonNode root;
    try {
      root = Json.readTree(message.data());
    } catch (JsonProcessingException e) {
      throw new MalformedCommand(null, ErrorCode.BAD_REQUEST, "malformed JSON: " + Json.detail(e));
    } catch (IOException e) {
      throw new MalformedCommand(
          null, ErrorCode.BAD_REQUEST, "unreadable message: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedCommand(
          null, ErrorCode.BAD_REQUEST, "empty message; expected a JSON object");
    }
    if (!root.isObject()) {
      throw new MalformedCommand(
          null, ErrorCode.BAD_REQUEST, "a command must be a JSON object, not " + typeName(root));
    }
    JsonNode id = root.get("id");
    boolean idOk =
        id != null
            && (id.isIntegralNumber()
                || (id.isTextual()
                    && !id.textValue().isEmpty()
                    && id.textValue().length() <= MAX_ID_LENGTH));
    if (!idOk) {
      throw new MalformedCommand(
          null,
          ErrorCode.BAD_REQUEST,
          "\"id\" is missing or invalid; expected an integer or a string of 1-"
              + MAX_ID_LENGTH
              + " characters");
    }
    JsonNode op = root.get("op");
    if (op == null || !op.isTextual()) {
      throw new MalformedCommand(id, ErrorCode.BAD_REQUEST, "\"op\" is missing or not a string");
    }
    String name = op.textValue();
    return switch (name) {
      case "subscribe" -> {
        String channel = channel(root, id);
        JsonNode token = root.get("token");
        if (token != null && !token.isNull() && !token.isTextual()) {
          throw new MalformedCommand(id, ErrorCode.BAD_REQUEST, "\"token\" is not a string");
        }
        yield new V1Command(
            id,
            name,
            channel,
            since(root, id),
            null,
            token == null || token.isNull() ? null : token);
      }
      case "unsubscribe", "presence" ->
          new V1Command(id, name, channel(root, id), null, null, null);
      case "publish" -> {
        String channel = channel(root, id);
        JsonNode data = root.get("data");
        if (data == null) {
          throw new MalformedCommand(id, ErrorCode.BAD_REQUEST, "\"data\" is missing");
        }
        yield new V1Command(id, name, channel, null, null, data);
      }
      case "history" ->
          new V1Command(id, name, channel(root, id), since(root, id), limit(root, id), null);
      case "ping" -> new V1Command(id, name, null, null, null, null);
      default -> {
        if (extra.handles(name)) {
          yield new V1Command(id, name, null, null, null, root);
        }
        throw new MalformedCommand(
            id,
            ErrorCode.UNKNOWN_OP,
            "unknown op \""
                + (name.length() <= MAX_ECHOED_OP ? name : name.substring(0, MAX_ECHOED_OP) + "...")
                + "\"; expected subscribe, unsubscribe, publish, history, presence or ping");
      }
    };
  }

  private static String channel(JsonNode root, JsonNode id) throws MalformedCommand {
    JsonNode channel = root.get("channel");
    if (channel == null || !channel.isTextual()) {
      throw new MalformedCommand(
          id, ErrorCode.BAD_REQUEST, "\"channel\" is missing or not a string");
    }
    return channel.textValue();
  }

  private static StreamPosition since(JsonNode root, JsonNode id) throws MalformedCommand {
    JsonNode since = root.get("since");
    if (since == null || since.isNull()) {
      return null;
    }
    JsonNode offset = since.get("offset");
    JsonNode epoch = since.get("epoch");
    if (!since.isObject()
        || offset == null
        || !offset.isIntegralNumber()
        || !offset.canConvertToLong()
        || offset.longValue() < 0
        || epoch == null
        || !epoch.isTextual()) {
      throw new MalformedCommand(
          id,
          ErrorCode.BAD_REQUEST,
          "\"since\" must be {\"offset\": <integer >= 0>, \"epoch\": <string>}");
    }
    return new StreamPosition(offset.longValue(), epoch.textValue());
  }

  private static Integer limit(JsonNode root, JsonNode id) throws MalformedCommand {
    JsonNode limit = root.get("limit");
    if (limit == null || limit.isNull()) {
      return null;
    }
    if (!limit.isIntegralNumber() || limit.bigIntegerValue().signum() < 0) {
      throw new MalformedCommand(id, ErrorCode.BAD_REQUEST, "\"limit\" must be an integer >= 0");
    }
    return limit.canConvertToInt() ? limit.intValue() : HistoryOptions.NO_LIMIT;
  }

  private static String typeName(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }
}
