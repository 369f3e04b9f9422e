package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.badResponse;
import static dev.pushwire.client.internal.FrameCodec.abbreviate;
import static dev.pushwire.client.internal.FrameCodec.errorOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.client.DirectMessage;
import dev.pushwire.core.Message;
import java.io.IOException;

/**
 * Routes each message from the node, on the client's event loop: a reply (it has an {@code id}) to
 * its command, a push or an {@code unsubscribed} notice (it has a {@code channel}) to its
 * subscription, a direct message (only {@code data}) to the message listener. What cannot be read
 * goes to the error listener.
 */
final class FrameRouter {
  private final CommandTracker commands;
  private final Subscriptions subscriptions;
  private final ClientListeners listeners;

  FrameRouter(CommandTracker commands, Subscriptions subscriptions, ClientListeners listeners) {
    this.commands = commands;
    this.subscriptions = subscriptions;
    this.listeners = listeners;
  }

  void received(Message m) {
    if (m.binary()) {
      listeners.error(badResponse("a binary message (pushwire.v1 is text)"), null);
      return;
    }
    JsonNode msg;
    try {
      msg = FrameCodec.read(m.data());
    } catch (IOException e) {
      listeners.error(badResponse("not JSON: " + abbreviate(m.text())), null);
      return;
    }
    if (msg == null || !msg.isObject()) {
      listeners.error(badResponse("not a JSON object: " + abbreviate(m.text())), null);
      return;
    }
    if (msg.has("id")) {
      reply(msg);
      return;
    }
    JsonNode channel = msg.get("channel");
    if (channel != null && channel.isTextual()) {
      JsonNode notice = msg.get("unsubscribed");
      if (notice != null) {
        subscriptions.unsubscribedNotice(channel.textValue(), notice);
        return;
      }
      JsonNode offset = msg.get("offset");
      JsonNode epoch = msg.get("epoch");
      JsonNode data = msg.get("data");
      if (offset != null
          && offset.isIntegralNumber()
          && offset.canConvertToLong()
          && epoch != null
          && epoch.isTextual()
          && data != null) {
        subscriptions.push(channel.textValue(), offset.longValue(), epoch.textValue(), data);
      } else {
        listeners.error(
            badResponse("a push without offset, epoch or data: " + abbreviate(m.text())),
            channel.textValue());
      }
      return;
    }
    JsonNode data = msg.get("data");
    if (data != null) {
      listeners.message(new DirectMessage(data));
    }
    // Anything else is a message kind this client does not know yet: ignored, so that a newer node
    // can add kinds without breaking older clients.
  }

  private void reply(JsonNode msg) {
    JsonNode id = msg.get("id");
    if (id.isNull()) {
      // The node could not read a command's id: nothing to match it with.
      listeners.error(errorOf(msg.get("error"), "the node could not read a command"), null);
      return;
    }
    if (!id.canConvertToLong()) {
      return; // not an id this client sent
    }
    commands.reply(id.asLong(), msg);
  }
}
