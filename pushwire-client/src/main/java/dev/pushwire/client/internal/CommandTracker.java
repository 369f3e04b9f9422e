package dev.pushwire.client.internal;

import static dev.pushwire.client.internal.ClientErrors.badResponse;
import static dev.pushwire.client.internal.FrameCodec.errorOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.client.PushwireException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The commands of a client until their reply: each carries an increasing numeric id and waits, as a
 * {@link PendingCommand}, in {@link #pending} for the reply with that id or for its timeout, and,
 * while no connection is ready, in {@link #queue}. A closed connection fails the commands sent on
 * it; the queued ones wait for the next. Touched on the client's event loop only.
 */
final class CommandTracker {
  private final Connection connection;
  private final ClientLoop loop;
  private final Duration timeout;
  private final Map<Long, PendingCommand> pending = new HashMap<>();
  private final ArrayDeque<PendingCommand> queue = new ArrayDeque<>();
  private long nextId = 1;

  CommandTracker(Connection connection, ClientLoop loop, Duration timeout) {
    this.connection = connection;
    this.loop = loop;
    this.timeout = timeout;
  }

  /** Runs a public command: on the loop, waiting for a connection up to the command timeout. */
  CompletableFuture<JsonNode> call(String op, ObjectNode fields) {
    CompletableFuture<JsonNode> out = new CompletableFuture<>();
    loop.execute(
        out,
        () ->
            command(op, fields, true)
                .reply
                .whenComplete(
                    (r, e) -> {
                      if (e != null) {
                        out.completeExceptionally(ClientErrors.unwrap(e));
                      } else {
                        out.complete(r);
                      }
                    }));
    return out;
  }

  /**
   * A new command. Sent at once when a connection is ready; otherwise queued when {@code queueable}
   * (else it fails with {@link PushwireException#DISCONNECTED}). The {@code connect} command is
   * made with {@code queueable} false and sent by its caller.
   */
  PendingCommand command(String op, ObjectNode fields, boolean queueable) {
    long id = nextId++;
    PendingCommand c = new PendingCommand(id, op, FrameCodec.command(id, op, fields));
    if (connection.closed()) {
      c.reply.completeExceptionally(ClientErrors.closed());
      return c;
    }
    boolean ready = connection.ready();
    boolean handshake = op.equals("connect");
    if (!ready && !queueable && !handshake) {
      c.reply.completeExceptionally(
          new PushwireException(PushwireException.DISCONNECTED, op + ": not connected"));
      return c;
    }
    pending.put(id, c);
    c.timeout =
        loop.schedule(
            () ->
                settle(
                    c,
                    null,
                    new PushwireException(
                        PushwireException.TIMEOUT, op + ": no reply within " + timeout)),
            timeout);
    if (ready) {
      send(c);
    } else if (!handshake) {
      queue.add(c);
    }
    return c;
  }

  void send(PendingCommand c) {
    c.sent = true;
    connection.write(c.text); // a failed write closes the connection, which fails c
  }

  /** Sends the commands queued while no connection was ready. */
  void sendQueued() {
    while (connection.ready() && !queue.isEmpty()) {
      send(queue.poll());
    }
  }

  /** Matches the reply {@code msg} with the command {@code id}. */
  void reply(long id, JsonNode msg) {
    PendingCommand c = pending.get(id);
    if (c == null) {
      return; // timed out already
    }
    JsonNode error = msg.get("error");
    if (error != null) {
      settle(c, null, errorOf(error, "the node refused " + c.op));
      return;
    }
    JsonNode result = msg.get("result");
    if (result == null || !result.isObject()) {
      settle(c, null, badResponse("a reply to " + c.op + " without a result object"));
    } else {
      settle(c, result, null);
    }
  }

  /** Fails the commands sent on the connection that closed; queued ones wait for the next. */
  void failSent(PushwireException error) {
    for (PendingCommand c : new ArrayList<>(pending.values())) {
      if (c.sent) {
        settle(c, null, error);
      }
    }
  }

  /** Fails the commands that wait for a connection, when there will be none. */
  void failQueued(PushwireException error) {
    while (!queue.isEmpty()) {
      settle(queue.poll(), null, error);
    }
  }

  /** Fails every command, when the client closes. */
  void failAll(PushwireException error) {
    for (PendingCommand c : new ArrayList<>(pending.values())) {
      settle(c, null, error);
    }
    queue.clear();
  }

  /** Completes {@code c} once, with a result or an error, and forgets it. */
  private void settle(PendingCommand c, JsonNode result, PushwireException error) {
    pending.remove(c.id);
    if (!c.sent) {
      queue.remove(c);
    }
    if (c.timeout != null) {
      c.timeout.cancel(false);
    }
    if (error != null) {
      c.reply.completeExceptionally(error);
    } else {
      c.reply.complete(result);
    }
  }
}
