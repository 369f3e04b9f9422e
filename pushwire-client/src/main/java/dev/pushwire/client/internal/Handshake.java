package dev.pushwire.client.internal;

import static dev.pushwire.client.PushwireClient.SUBPROTOCOL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.PushwireException;
import dev.pushwire.client.TokenDelivery;
import dev.pushwire.client.TokenSource;
import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The opening of one connection, on the client's event loop: the token of the attempt and the way
 * it reaches the node ({@link ClientConfig#tokenDelivery()}: in the URI's query, in an {@code
 * Authorization} header of the upgrade, or in a {@code connect} command once the socket is open),
 * the core socket for the next URI, the upgrade and the subprotocol check. It tells the {@link
 * Connection} how the attempt ends: ready, failed, or closed before it was ready.
 */
final class Handshake {
  private final Connection connection;
  private final Supplier<URI> uris;
  private final ClientConfig config;
  private final ClientLoop loop;
  private final ClientListeners listeners;
  private final CommandTracker commands;
  private final FrameRouter router;
  private String user;

  Handshake(
      Connection connection,
      Supplier<URI> uris,
      ClientConfig config,
      ClientLoop loop,
      ClientListeners listeners,
      CommandTracker commands,
      FrameRouter router) {
    this.connection = connection;
    this.uris = uris;
    this.config = config;
    this.loop = loop;
    this.listeners = listeners;
    this.commands = commands;
    this.router = router;
  }

  /** The token of the next attempt, or {@code null} without a token source. */
  CompletionStage<String> token() {
    TokenSource source = config.tokenSource();
    try {
      return source == null
          ? CompletableFuture.completedFuture(null)
          : Objects.requireNonNull(source.token(), "the token source returned null");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Opens a socket to the next URI with {@code token}. */
  void open(String token) {
    URI base;
    WebSocketClient ws;
    try {
      base = NodeUris.check(Objects.requireNonNull(uris.get(), "the URI supplier returned null"));
      URI target =
          token != null && config.tokenDelivery() == TokenDelivery.QUERY
              ? NodeUris.withToken(base, token)
              : base;
      ws = WebSocketClient.create(target, settings(token), loop.group());
    } catch (RuntimeException e) {
      connection.attemptFailed(e);
      return;
    }
    connection.attach(ws, base);
    ws.onMessage(
        (c, m) -> {
          if (c == connection.socket()) {
            router.received(m);
          }
        });
    ws.onClose(
        (c, e) -> {
          if (c == connection.socket()) {
            connection.socketClosed(e);
          }
        });
    ws.onError(
        (c, e) -> {
          if (c == connection.socket()) {
            listeners.error(e, null); // a protocol error; the close that follows says more
          }
        });
    ws.connect()
        .whenComplete(
            (v, e) ->
                loop.execute(
                    null,
                    () -> {
                      if (ws != connection.socket()) {
                        ws.shutdown(); // abandoned: the client closed meanwhile
                      } else if (e != null) {
                        connection.attach(null, base);
                        ws.shutdown();
                        connection.attemptFailed(e);
                      } else {
                        opened(ws, base, token);
                      }
                    }));
  }

  private ClientSettings settings(String token) {
    ClientSettings.Builder b =
        config.transport().toBuilder()
            .subprotocols(SUBPROTOCOL)
            .reconnect(ReconnectPolicy.DISABLED);
    if (token != null && config.tokenDelivery() == TokenDelivery.HEADER) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private void opened(WebSocketClient ws, URI base, String token) {
    if (!SUBPROTOCOL.equals(ws.subprotocol())) {
      listeners.error(
          new PushwireException(
              PushwireException.BAD_RESPONSE,
              "the node at " + base + " did not accept the subprotocol " + SUBPROTOCOL),
          null);
      ws.close(Connection.NORMAL_CLOSE, SUBPROTOCOL + " required");
      return;
    }
    if (token == null || config.tokenDelivery() != TokenDelivery.CONNECT_COMMAND) {
      connection.becomeOpen(user);
      return;
    }
    PendingCommand connect =
        commands.command("connect", FrameCodec.fields().put("token", token), false);
    // Before any other command: the node runs nothing else until it succeeds.
    commands.send(connect);
    connect.reply.whenComplete(
        (r, e) -> {
          if (ws != connection.socket()) {
            return;
          }
          if (e != null) {
            listeners.error(ClientErrors.unwrap(e), null);
            // The node closes after a refused connect (4001); a node that does not answer is let
            // go.
            connection.closeUnresponsive(ws, "connect failed");
          } else {
            JsonNode u = r.get("user");
            user = u != null && u.isTextual() ? u.textValue() : null;
            connection.becomeOpen(user);
          }
        });
  }
}
