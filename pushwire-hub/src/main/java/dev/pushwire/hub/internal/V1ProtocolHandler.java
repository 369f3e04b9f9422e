package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.Message;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks {@code pushwire.v1} with one kind of client: parses each text message as a command, runs
 * it, and replies with the command's {@code id} and a {@code result} or an {@code error}. Bad input
 * is answered, never thrown. After {@link HubConfig#maxGarbageCommands()} malformed commands in a
 * row (bad JSON, no id, unknown op, missing or mistyped fields) it closes the connection with 1008;
 * a well-formed command resets the count, and well-formed commands that fail (a bad channel name, a
 * forbidden publish) do not count. See {@code docs/PROTOCOL.md}.
 */
final class V1ProtocolHandler {
  private static final Logger log = LoggerFactory.getLogger(V1ProtocolHandler.class);
  private static final int MAX_ID_LENGTH = 64;
  private static final int MAX_ECHOED_OP = 32;
  static final String GARBAGE_CLOSE_REASON = "too many malformed commands";
  static final String RATE_CLOSE_REASON = "command rate limit exceeded";

  private final HubImpl hub;
  private final Subscriptions subscriptions;
  private final Publisher publisher;
  private final Delivery delivery;
  private final HubConfig config;

  V1ProtocolHandler(
      HubImpl hub,
      Subscriptions subscriptions,
      Publisher publisher,
      Delivery delivery,
      HubConfig config) {
    this.hub = hub;
    this.subscriptions = subscriptions;
    this.publisher = publisher;
    this.delivery = delivery;
    this.config = config;
  }

  /** Handles one message from {@code c}; called on the connection's event loop. */
  void handle(LocalConnection c, Message message) {
    Command cmd;
    try {
      cmd = parse(message, hub.commands());
    } catch (BadCommand e) {
      garbage(c, e.id, e.code, e.getMessage());
      return;
    }
    c.garbageInRow = 0;
    if (!admitted(c, cmd.id())) {
      return;
    }
    try {
      hub.commands().admit(c.info, cmd.op());
      run(c, cmd);
    } catch (HubException e) {
      replyError(c, cmd.id(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("Command {} from connection {} failed", cmd.op(), c.id, e);
      replyError(c, cmd.id(), ErrorCode.INTERNAL, "internal error");
    }
  }

  /**
   * Applies the command rate limit: true if the command may run; otherwise answers {@code
   * rate_limited}, and closes the connection with 1008 once its refused commands outnumber its
   * accepted ones by {@link HubConfig#maxRateLimitedCommands()}.
   */
  private boolean admitted(LocalConnection c, JsonNode id) {
    if (c.commands == null) {
      return true;
    }
    if (c.commands.tryTake(hub.nowMillis())) {
      if (c.rateLimitedScore > 0) {
        c.rateLimitedScore--;
      }
      return true;
    }
    if (c.closing) {
      return false; // already being closed: no more replies
    }
    hub.limits().increment(LimitCounters.RATE_LIMITED);
    replyError(
        c,
        id,
        ErrorCode.RATE_LIMITED,
        "too many commands: at most "
            + config.commandBurst()
            + " at once and "
            + config.commandRate()
            + " per second");
    c.rateLimitedScore++;
    if (c.rateLimitedScore >= config.maxRateLimitedCommands()) {
      c.closing = true;
      hub.limits().increment(LimitCounters.RATE_LIMIT_CLOSE);
      delivery.close(c.id, CloseCodes.POLICY_VIOLATION, RATE_CLOSE_REASON);
    }
    return false;
  }

  // ---- parsing --------------------------------------------------------------------------------

  /** A well-formed command: its id, op and fields, checked for presence and type. */
  private record Command(
      JsonNode id, String op, String channel, StreamPosition since, Integer limit, JsonNode data) {}

  private static Command parse(Message message, CommandHandler extra) throws BadCommand {
    if (message.binary()) {
      throw new BadCommand(
          null,
          ErrorCode.BAD_REQUEST,
          "binary messages are not part of pushwire.v1; send commands as JSON text");
    }
    JsonNode root;
    try {
      root = Json.readTree(message.data());
    } catch (JsonProcessingException e) {
      throw new BadCommand(null, ErrorCode.BAD_REQUEST, "malformed JSON: " + Json.detail(e));
    } catch (IOException e) {
      throw new BadCommand(null, ErrorCode.BAD_REQUEST, "unreadable message: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new BadCommand(null, ErrorCode.BAD_REQUEST, "empty message; expected a JSON object");
    }
    if (!root.isObject()) {
      throw new BadCommand(
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
      throw new BadCommand(
          null,
          ErrorCode.BAD_REQUEST,
          "\"id\" is missing or invalid; expected an integer or a string of 1-"
              + MAX_ID_LENGTH
              + " characters");
    }
    JsonNode op = root.get("op");
    if (op == null || !op.isTextual()) {
      throw new BadCommand(id, ErrorCode.BAD_REQUEST, "\"op\" is missing or not a string");
    }
    String name = op.textValue();
    return switch (name) {
      case "subscribe" -> {
        String channel = channel(root, id);
        JsonNode token = root.get("token");
        if (token != null && !token.isNull() && !token.isTextual()) {
          throw new BadCommand(id, ErrorCode.BAD_REQUEST, "\"token\" is not a string");
        }
        // data: the subscription token, if any
        yield new Command(
            id,
            name,
            channel,
            since(root, id),
            null,
            token == null || token.isNull() ? null : token);
      }
      case "unsubscribe", "presence" -> new Command(id, name, channel(root, id), null, null, null);
      case "publish" -> {
        String channel = channel(root, id);
        JsonNode data = root.get("data");
        if (data == null) {
          throw new BadCommand(id, ErrorCode.BAD_REQUEST, "\"data\" is missing");
        }
        yield new Command(id, name, channel, null, null, data);
      }
      case "history" ->
          new Command(id, name, channel(root, id), since(root, id), limit(root, id), null);
      case "ping" -> new Command(id, name, null, null, null, null);
      default -> {
        if (extra.handles(name)) {
          yield new Command(id, name, null, null, null, root); // data: the whole command
        }
        throw new BadCommand(
            id,
            ErrorCode.UNKNOWN_OP,
            "unknown op \""
                + (name.length() <= MAX_ECHOED_OP ? name : name.substring(0, MAX_ECHOED_OP) + "...")
                + "\"; expected subscribe, unsubscribe, publish, history, presence or ping");
      }
    };
  }

  private static String channel(JsonNode root, JsonNode id) throws BadCommand {
    JsonNode channel = root.get("channel");
    if (channel == null || !channel.isTextual()) {
      throw new BadCommand(id, ErrorCode.BAD_REQUEST, "\"channel\" is missing or not a string");
    }
    return channel.textValue();
  }

  private static StreamPosition since(JsonNode root, JsonNode id) throws BadCommand {
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
      throw new BadCommand(
          id,
          ErrorCode.BAD_REQUEST,
          "\"since\" must be {\"offset\": <integer >= 0>, \"epoch\": <string>}");
    }
    return new StreamPosition(offset.longValue(), epoch.textValue());
  }

  private static Integer limit(JsonNode root, JsonNode id) throws BadCommand {
    JsonNode limit = root.get("limit");
    if (limit == null || limit.isNull()) {
      return null;
    }
    if (!limit.isIntegralNumber() || limit.bigIntegerValue().signum() < 0) {
      throw new BadCommand(id, ErrorCode.BAD_REQUEST, "\"limit\" must be an integer >= 0");
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

  // ---- commands -------------------------------------------------------------------------------

  private void run(LocalConnection c, Command cmd) {
    switch (cmd.op()) {
      case "subscribe" -> subscribe(c, cmd);
      case "unsubscribe" -> unsubscribe(c, cmd);
      case "publish" -> publish(c, cmd);
      case "history" -> history(c, cmd);
      case "presence" -> presence(c, cmd);
      case "ping" -> reply(c, cmd.id(), Json.MAPPER.createObjectNode());
      default -> extra(c, cmd);
    }
  }

  private void subscribe(LocalConnection c, Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    String token = cmd.data() == null ? null : cmd.data().textValue();
    if (!hub.policy().canSubscribe(c.info, channel, token)) {
      throw forbidden("subscribing to " + channel + " is not allowed");
    }
    // The reply goes out under the channel's lock, before any missed or live publication.
    subscriptions
        .subscribe(c.id, channel, cmd.since(), r -> reply(c, cmd.id(), subscribed(r)))
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                replyError(c, cmd.id(), e);
              }
            });
  }

  private static ObjectNode subscribed(SubscribeResult r) {
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

  private void unsubscribe(LocalConnection c, Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    answer(c, cmd, subscriptions.unsubscribe(c.id, channel), v -> Json.MAPPER.createObjectNode());
  }

  private void publish(LocalConnection c, Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canPublish(c.info, channel)) {
      throw forbidden("publishing to " + channel + " is not allowed for this connection");
    }
    answer(
        c,
        cmd,
        publisher.publishData(channel, Json.writeBytes(cmd.data())),
        r -> {
          ObjectNode result = Json.MAPPER.createObjectNode();
          result.put("offset", r.offset());
          result.put("epoch", r.epoch());
          return result;
        });
  }

  private void history(LocalConnection c, Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canReadHistory(c.info, channel)) {
      throw forbidden("reading the history of " + channel + " is not allowed");
    }
    int limit = cmd.limit() == null ? HistoryOptions.NO_LIMIT : cmd.limit();
    answer(
        c,
        cmd,
        hub.history(channel, new HistoryOptions(cmd.since(), limit)),
        h -> historyResult(channel, cmd.since() != null, h));
  }

  private static ObjectNode historyResult(String channel, boolean withSince, HistoryResult h) {
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

  private void presence(LocalConnection c, Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canReadPresence(c.info, channel)) {
      throw forbidden("reading the presence of " + channel + " is not allowed");
    }
    answer(
        c,
        cmd,
        hub.presence(channel),
        entries -> {
          ObjectNode result = Json.MAPPER.createObjectNode();
          result.put("channel", channel);
          result.put("connections", entries.size());
          result.put(
              "users",
              entries.stream()
                  .map(PresenceEntry::user)
                  .filter(Objects::nonNull)
                  .distinct()
                  .count());
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
        });
  }

  private void extra(LocalConnection c, Command cmd) {
    answer(
        c,
        cmd,
        hub.commands().handle(c.info, cmd.op(), Json.write(cmd.data())),
        json -> {
          try {
            return (ObjectNode) Json.MAPPER.readTree(json);
          } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException(
                "the " + cmd.op() + " handler's result is no object", e);
          }
        });
  }

  private HubException forbidden(String message) {
    hub.limits().increment(LimitCounters.FORBIDDEN);
    return new HubException(ErrorCode.FORBIDDEN, message);
  }

  // ---- replies --------------------------------------------------------------------------------

  private <T> void answer(
      LocalConnection c, Command cmd, CompletionStage<T> stage, Function<T, ObjectNode> result) {
    stage.whenComplete(
        (v, e) -> {
          if (e != null) {
            replyError(c, cmd.id(), e);
            return;
          }
          ObjectNode body;
          try {
            body = result.apply(v);
          } catch (RuntimeException ex) {
            log.error("Building the {} reply for connection {} failed", cmd.op(), c.id, ex);
            replyError(c, cmd.id(), ErrorCode.INTERNAL, "internal error");
            return;
          }
          reply(c, cmd.id(), body);
        });
  }

  private void reply(LocalConnection c, JsonNode id, ObjectNode result) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("id", id);
    out.set("result", result);
    delivery.send(c.id, Json.write(out));
  }

  private void replyError(LocalConnection c, JsonNode id, Throwable error) {
    HubException h = Futures.toHubException(error, "command");
    replyError(c, id, h.code(), h.getMessage());
  }

  private void replyError(LocalConnection c, JsonNode id, ErrorCode code, String message) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (id == null) {
      out.putNull("id");
    } else {
      out.set("id", id);
    }
    ObjectNode error = out.putObject("error");
    error.put("code", code.code());
    error.put("message", message);
    delivery.send(c.id, Json.write(out));
  }

  private void garbage(LocalConnection c, JsonNode id, ErrorCode code, String message) {
    replyError(c, id, code, message);
    c.garbageInRow++;
    if (c.garbageInRow >= config.maxGarbageCommands() && !c.closing) {
      c.closing = true;
      hub.limits().increment(LimitCounters.GARBAGE_CLOSE);
      delivery.close(c.id, CloseCodes.POLICY_VIOLATION, GARBAGE_CLOSE_REASON);
    }
  }

  /** A command that is not well-formed; counts toward the garbage limit. */
  private static final class BadCommand extends Exception {
    private static final long serialVersionUID = 1L;
    final transient JsonNode id;
    final ErrorCode code;

    BadCommand(JsonNode id, ErrorCode code, String message) {
      super(message, null, false, false);
      this.id = id;
      this.code = code;
    }
  }
}
