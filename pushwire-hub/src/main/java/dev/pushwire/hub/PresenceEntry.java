package dev.pushwire.hub;

import java.time.Instant;
import java.util.Objects;

/**
 * One connection subscribed to a channel.
 *
 * @param connectionId the connection's cluster-wide id ({@link ConnectionRecord#id()})
 * @param user the user, or {@code null} when not known
 * @param nodeId the node that holds the connection
 * @param subscribedAt when the subscription started
 */
public record PresenceEntry(String connectionId, String user, String nodeId, Instant subscribedAt) {

  public PresenceEntry {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(subscribedAt, "subscribedAt");
  }
}
