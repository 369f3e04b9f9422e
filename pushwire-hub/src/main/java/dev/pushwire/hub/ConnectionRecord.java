package dev.pushwire.hub;

import dev.pushwire.hub.spi.Registry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link Registry} keeps about one connection, visible to every node.
 *
 * @param id the cluster-wide id {@code nodeId:connectionId} ({@link #globalId})
 * @param nodeId the node that holds the connection
 * @param connectionId the connection's id on that node
 * @param remoteAddress the peer's address as {@code host:port}
 * @param path the request path, for example {@code /ws}
 * @param user the authenticated user, or {@code null} when not known
 * @param channels the channels the connection is subscribed to
 * @param connectedAt when the connection opened
 */
public record ConnectionRecord(
    String id,
    String nodeId,
    long connectionId,
    String remoteAddress,
    String path,
    String user,
    List<String> channels,
    Instant connectedAt) {

  public ConnectionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(path, "path");
    channels = List.copyOf(channels);
    Objects.requireNonNull(connectedAt, "connectedAt");
  }

  /** The cluster-wide id of connection {@code connectionId} on node {@code nodeId}. */
  public static String globalId(String nodeId, long connectionId) {
    return nodeId + ":" + connectionId;
  }

  /** This record with {@code channels} instead. */
  public ConnectionRecord withChannels(List<String> channels) {
    return new ConnectionRecord(
        id, nodeId, connectionId, remoteAddress, path, user, channels, connectedAt);
  }
}
