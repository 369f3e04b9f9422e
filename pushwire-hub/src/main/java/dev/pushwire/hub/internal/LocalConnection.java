package dev.pushwire.hub.internal;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.ConnectionRecord;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connection this hub manages: how it speaks, who it is, and its subscriptions. The subscriptions
 * and {@code closed} are guarded by this object's monitor, which is always taken before a {@link
 * ChannelState}'s.
 */
final class LocalConnection {
  final long id;
  final ConnectionInfo info;
  final boolean v1;

  /** Set at open; {@link HubImpl#setUser} may change it later (say, after {@code connect}). */
  volatile String user;

  final String globalId;
  final String nodeId;

  /** Guarded by this. */
  final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

  /** Guarded by this. */
  boolean closed;

  /** Malformed commands in a row; touched only on the connection's event loop. */
  int garbageInRow;

  /** The command rate limit, or {@code null} when off; event loop only. */
  TokenBucket commands;

  /** Rate-limited commands minus accepted ones since (never below 0); event loop only. */
  int rateLimitedScore;

  /** Whether the hub already asked the server to close it; event loop only. */
  boolean closing;

  LocalConnection(ConnectionInfo info, boolean v1, String user, String nodeId) {
    this.id = info.connectionId();
    this.info = info;
    this.v1 = v1;
    this.user = user;
    this.nodeId = nodeId;
    this.globalId = ConnectionRecord.globalId(nodeId, id);
  }

  /** The registry record as things stand; call while holding this object's monitor. */
  ConnectionRecord record() {
    return new ConnectionRecord(
        globalId,
        nodeId,
        id,
        address(info.remoteAddress()),
        info.path() == null ? "" : info.path(),
        user,
        new ArrayList<>(subscriptions.keySet()),
        info.connectedAt());
  }

  private static String address(InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
