package dev.pushwire.core.internal;

import dev.pushwire.core.ConnectionInfo;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The server's state for one open WebSocket connection. Mutable fields are touched only on the
 * connection's event loop, except {@link #open}, which other threads read to skip closed
 * connections.
 */
final class Connection {
  /** How this connection's outbound messages are compressed. */
  enum Deflate {
    /** No permessage-deflate: shared plain frames. */
    NONE,
    /** Deflate without server context takeover, 15-bit window: shared compressed frames. */
    SHARED,
    /** Deflate with context or a smaller window: Netty's encoder compresses per connection. */
    OWN
  }

  final long id;
  final Channel channel;
  final LoopShard shard;
  final Deflate deflate;
  private final InetSocketAddress remoteAddress;
  private final String uri;

  /** The request headers, {@link HttpMaps#pack packed}. */
  private final String headers;

  private final String subprotocol;
  private final String extensions;
  private final long connectedAtMillis;

  volatile boolean open = true;

  /** Index in {@link LoopShard}'s list, for O(1) removal. */
  int shardIndex = -1;

  long lastReadNanos;

  /** Whether this connection waits in its shard's list of unflushed connections. */
  boolean flushPending;

  boolean closeSent;
  int closeCode = dev.pushwire.core.CloseCodes.ABNORMAL;
  String closeReason = "";
  boolean closedByServer;

  Connection(
      long id,
      Channel channel,
      LoopShard shard,
      Deflate deflate,
      String uri,
      String headers,
      String subprotocol,
      String extensions) {
    this.id = id;
    this.channel = channel;
    this.shard = shard;
    this.deflate = deflate;
    this.remoteAddress =
        channel.remoteAddress() instanceof InetSocketAddress
            ? (InetSocketAddress) channel.remoteAddress()
            : null;
    this.uri = uri;
    this.headers = headers;
    this.subprotocol = subprotocol;
    this.extensions = extensions;
    this.connectedAtMillis = System.currentTimeMillis();
    this.lastReadNanos = System.nanoTime();
  }

  /** Built on demand so that idle connections keep only the raw request data. */
  ConnectionInfo info() {
    QueryStringDecoder q = new QueryStringDecoder(uri);
    return new ConnectionInfo(
        id,
        remoteAddress,
        q.path(),
        HttpMaps.query(q),
        HttpMaps.unpack(headers),
        subprotocol,
        extensions,
        Instant.ofEpochMilli(connectedAtMillis));
  }

  /** Records why the connection ends, once: the first cause wins. */
  void recordClose(int code, String reason, boolean byServer) {
    if (closeCode == dev.pushwire.core.CloseCodes.ABNORMAL && !closeSent) {
      closeCode = code;
      closeReason = reason == null ? "" : reason;
      closedByServer = byServer;
    }
  }
}
