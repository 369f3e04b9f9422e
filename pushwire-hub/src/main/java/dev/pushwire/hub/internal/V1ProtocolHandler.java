package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.Message;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks {@code pushwire.v1} with one kind of client: decodes each text message as a command
 * ({@link V1CommandDecoder}), runs it, and replies with the command's {@code id} and a {@code
 * result} or an {@code error} ({@link V1ReplyEncoder}). Bad input is answered, never thrown. After
 * {@link HubConfig#maxGarbageCommands()} malformed commands in a row (bad JSON, no id, unknown op,
 * missing or mistyped fields) it closes the connection with 1008; a well-formed command resets the
 * count, and well-formed commands that fail (a bad channel name, a forbidden publish) do not count.
 * See {@code docs/PROTOCOL.md}.
 */
final class V1ProtocolHandler {
  private static final Logger log = LoggerFactory.getLogger(V1ProtocolHandler.class);
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
    V1Command cmd;
    try {
      cmd = V1CommandDecoder.decode(message, hub.commands());
    } catch (V1CommandDecoder.MalformedCommand e) {
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

  private void garbage(LocalConnection c, JsonNode id, ErrorCode code, String message) {
    replyError(c, id, code, message);
    c.garbageInRow++;
    if (c.garbageInRow >= config.maxGarbageCommands() && !c.closing) {
      c.closing = true;
      hub.limits().increment(LimitCounters.GARBAGE_CLOSE);
      delivery.close(c.id, CloseCodes.POLICY_VIOLATION, GARBAGE_CLOSE_REASON);
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  private void run(LocalConnection c, V1Command cmd) {
    switch (cmd.op()) {
      case "subscribe" -> subscribe(c, cmd);
      case "unsubscribe" -> unsubscribe(c, cmd);
      case "publish" -> publish(c, cmd);
      case "history" -> history(c, cmd);
      case "presence" -> presence(c, cmd);
      case "ping" -> reply(c, cmd.id(), V1ReplyEncoder.empty());
      default -> extra(c, cmd);
    }
  }

  private void subscribe(LocalConnection c, V1Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    String token = cmd.data() == null ? null : cmd.data().textValue();
    if (!hub.policy().canSubscribe(c.info, channel, token)) {
      throw forbidden("subscribing to " + channel + " is not allowed");
    }
    // The reply goes out under the channel's lock, before any missed or live publication.
    subscriptions
        .subscribe(
            c.id, channel, cmd.since(), r -> reply(c, cmd.id(), V1ReplyEncoder.subscribed(r)))
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                replyError(c, cmd.id(), e);
              }
            });
  }

  private void unsubscribe(LocalConnection c, V1Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    answer(c, cmd, subscriptions.unsubscribe(c.id, channel), v -> V1ReplyEncoder.empty());
  }

  private void publish(LocalConnection c, V1Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canPublish(c.info, channel)) {
      throw forbidden("publishing to " + channel + " is not allowed for this connection");
    }
    answer(
        c,
        cmd,
        publisher.publishData(channel, Json.writeBytes(cmd.data())),
        V1ReplyEncoder::published);
  }

  private void history(LocalConnection c, V1Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canReadHistory(c.info, channel)) {
      throw forbidden("reading the history of " + channel + " is not allowed");
    }
    int limit = cmd.limit() == null ? HistoryOptions.NO_LIMIT : cmd.limit();
    answer(
        c,
        cmd,
        hub.history(channel, new HistoryOptions(cmd.since(), limit)),
        h -> V1ReplyEncoder.history(channel, cmd.since() != null, h));
  }

  private void presence(LocalConnection c, V1Command cmd) {
    String channel = ChannelName.requireValid(cmd.channel());
    if (!hub.policy().canReadPresence(c.info, channel)) {
      throw forbidden("reading the presence of " + channel + " is not allowed");
    }
    answer(c, cmd, hub.presence(channel), entries -> V1ReplyEncoder.presence(channel, entries));
  }

  private void extra(LocalConnection c, V1Command cmd) {
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
      LocalConnection c, V1Command cmd, CompletionStage<T> stage, Function<T, ObjectNode> result) {
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
    delivery.send(c.id, V1ReplyEncoder.result(id, result));
  }

  private void replyError(LocalConnection c, JsonNode id, Throwable error) {
    HubException h = Futures.toHubException(error, "command");
    replyError(c, id, h.code(), h.getMessage());
  }

  private void replyError(LocalConnection c, JsonNode id, ErrorCode code, String message) {
    delivery.send(c.id, V1ReplyEncoder.error(id, code, message));
  }
}
