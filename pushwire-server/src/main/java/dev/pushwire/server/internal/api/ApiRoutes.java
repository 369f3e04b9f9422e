package dev.pushwire.server.internal.api;

import dev.pushwire.server.internal.NodeContext;

/**
 * The HTTP API's routes, each turning a request into a JSON answer, later; {@link ApiRouter} maps
 * the paths to them. Field names follow the {@code pushwire.v1} protocol's replies (see {@code
 * docs/PROTOCOL.md}), so a history or presence read looks the same over HTTP and over the socket.
 */
public final class ApiRoutes {
  final PublishRoutes publishing;
  final ChannelRoutes channels;
  final ConnectionRoutes connections;
  final StatsRoute stats;

  /** Routes acting on {@code node}. */
  public ApiRoutes(NodeContext node) {
    this.publishing = new PublishRoutes(node);
    this.channels = new ChannelRoutes(node);
    this.connections = new ConnectionRoutes(node);
    this.stats = new StatsRoute(node);
  }
}
