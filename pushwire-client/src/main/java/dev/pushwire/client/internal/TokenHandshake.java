package dev.pushwire.client.internal;

import static dev.pushwire.client.PushwireClient.SUBPROTOCOL;

import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.TokenDelivery;
import dev.pushwire.client.TokenSource;
import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ReconnectPolicy;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The token of a connection attempt and the way it reaches the node ({@link
 * ClientConfig#tokenDelivery()}): in the URI's query, in an {@code Authorization} header of the
 * upgrade, or in a {@code connect} command once the socket is open.
 */
final class TokenHandshake {
  private final ClientConfig config;

  TokenHandshake(ClientConfig config) {
    this.config = config;
  }

  /** The token of the next attempt, or {@code null} without a token source. */
  CompletionStage<String> fetch() {
    TokenSource source = config.tokenSource();
    try {
      return source == null
          ? CompletableFuture.completedFuture(null)
          : Objects.requireNonNull(source.token(), "the token source returned null");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The URI to open for {@code base}. */
  URI target(URI base, String token) {
    return token != null && config.tokenDelivery() == TokenDelivery.QUERY
        ? NodeUris.withToken(base, token)
        : base;
  }

  /** The settings of the core socket: pushwire.v1, and no reconnect of its own. */
  ClientSettings settings(String token) {
    ClientSettings.Builder b =
        config.transport().toBuilder()
            .subprotocols(SUBPROTOCOL)
            .reconnect(ReconnectPolicy.DISABLED);
    if (token != null && config.tokenDelivery() == TokenDelivery.HEADER) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  /** Whether {@code token} goes in a {@code connect} command after the upgrade. */
  boolean viaConnectCommand(String token) {
    return token != null && config.tokenDelivery() == TokenDelivery.CONNECT_COMMAND;
  }
}
