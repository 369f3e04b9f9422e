package dev.pushwire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;

/**
 * A command waiting for its reply: its text (with its id), the stage its reply completes, its
 * timeout, and whether it went out on the current connection (then a close fails it) or still waits
 * for one. Touched on the client's event loop only.
 */
final class PendingCommand {
  final long id;
  final String op;
  final String text;
  final CompletableFuture<JsonNode> reply = new CompletableFuture<>();
  ScheduledFuture<?> timeout;
  boolean sent;

  PendingCommand(long id, String op, String text) {
    this.id = id;
    this.op = op;
    this.text = text;
  }
}
