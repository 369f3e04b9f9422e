package dev.pushwire.hub.internal;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.ConnectionRecord;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection this hub manages: how it speaks, who it is, and its subscriptions. The subscriptions
 * and {@code closed} are guarded by this object's monitor, which is always taken before a {@link
 * ChannelState}'s.
 */
final class LocalConnection {
  final long id;

  /**
   * The connection's handshake; a plain client's loses its headers and query once it is subscribed
   * ({@link #forgetRequest}). Volatile: replaced on the event loop, read by {@link #record} on
   * others.
   */
  volatile ConnectionInfo info;

  final boolean v1;

  /** Set at open; {@link HubImpl#setUser} may change it later (say, after {@code connect}). */
  volatile String user;

  final String globalId;
  final String nodeId;

  /**
   * Guarded by this. Sized for the usual one or two channels: the default table of 16 would be 64
   * bytes more per connection.
   */
  final Map<String, Subscription> subscriptions = new LinkedHashMap<>(2);

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

  /**
   * Drops the request's headers and query, which a plain client needs only to subscribe: they are
   * most of what an idle connection would hold in the heap (about 1.6 KB of maps, lists and
   * strings). What the registry record shows is kept.
   */
  void forgetRequest() {
    ConnectionInfo i = info;
    // "/" is what nearly every client asks for: one shared string rather than one per connection.
    String path = "/".equals(i.path()) ? "/" : i.path();
    info =
        new ConnectionInfo(
            i.connectionId(),
            i.remoteAddress(),
            path,
            Map.of(),
            Map.of(),
            i.subprotocol(),
            i.extensions(),
            i.connectedAt());
  }

  /** The registry record as things stand; call while holding this object's monitor. */
  ConnectionRecord record() {
    ConnectionInfo i = info;
    return new ConnectionRecord(
        globalId,
        nodeId,
        id,
        address(i.remoteAddress()),
        i.path() == null ? "" : i.path(),
        user,
        channels(),
        i.connectedAt());
  }

  /**
   * The channels, in order. Not through {@code keySet()} or {@code entrySet()}, which the map would
   * keep as a view object per connection.
   */
  private List<String> channels() {
    List<String> out = new ArrayList<>(subscriptions.size());
    subscriptions.forEach((channel, sub) -> out.add(channel));
    return out;
  }

  private static String address(InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
