package dev.pushwire.server.internal;

import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.api.PublisherEndpoint;
import dev.pushwire.server.internal.backends.Backends;
import dev.pushwire.server.internal.backends.ClusterConnections;
import dev.pushwire.server.internal.metrics.NodeCounters;
import java.time.Instant;

/**
 * The parts of a running node that the HTTP API reads and acts on.
 *
 * @param server the WebSocket server
 * @param hub the hub on it
 * @param counters publications by source
 * @param publishers the publisher socket
 * @param startedAt when the node was created
 * @param backends the broker and registry, with their status
 * @param cluster pushes to and disconnects connections on any node
 */
public record NodeContext(
    WebSocketServer server,
    Hub hub,
    NodeCounters counters,
    PublisherEndpoint publishers,
    Instant startedAt,
    Backends backends,
    ClusterConnections cluster) {}
