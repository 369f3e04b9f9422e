package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.ConnectionInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The server's state for one open WebSocket connection. Mutable fields are touched only on the
 * connection's event loop, except {@link #open}, which other threads read to skip closed
 * connections.
 */
final class Connection implements FanOutSource.Owner {
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
  int closeCode = CloseCodes.ABNORMAL;
  String closeReason = "";
  boolean closedByServer;

  /**
   * When this connection fell behind ({@link System#nanoTime()}, never 0), or 0 while it is not:
   * see {@link SlowConsumerGuard}.
   */
  long behindSinceNanos;

  /** A slow consumer under the DROP policy: messages are skipped until it is writable again. */
  boolean dropping;

  /** The close code for this connection when it is a slow consumer; 0 for the server's policy. */
  int slowCloseCode;

  String slowCloseReason;

  /** Fan-out tickets waiting for this connection to catch up; null when none ever waited. */
  ArrayList<FanOutSource.Ticket> waiting;

  /** This connection as a source of broadcasts; made on its first. */
  private FanOutSource source;

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

  @Override
  public FanOutSource fanOutSource() {
    if (source == null) {
      source = new FanOutSource(channel, null);
    }
    return source;
  }

  /** The source, if this connection ever broadcast anything; else null. */
  FanOutSource sourceIfAny() {
    return source;
  }

  /**
   * Starts the closing handshake from the server side, on the connection's loop, giving the peer
   * {@link #CLOSE_REPLY_MILLIS} to answer.
   */
  void startClose(int code, String reason) {
    startClose(code, reason, CLOSE_REPLY_MILLIS);
  }

  /**
   * Starts the closing handshake from the server side, on the connection's loop: the close frame
   * goes after what is already queued. TCP is closed when the peer answers; or when the peer has
   * not taken the close frame within {@code timeoutMillis} (the time it may take to read what was
   * queued); or {@link #CLOSE_REPLY_MILLIS} after it took the close frame, if that came first.
   */
  void startClose(int code, String reason, long timeoutMillis) {
    if (closeSent || !channel.isActive()) {
      return;
    }
    recordClose(code, reason, true);
    closeSent = true;
    ScheduledFuture<?> deadline =
        channel.eventLoop().schedule(() -> channel.close(), timeoutMillis, TimeUnit.MILLISECONDS);
    channel
        .writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    f.channel().close();
                  } else if (timeoutMillis > CLOSE_REPLY_MILLIS && deadline.cancel(false)) {
                    // A slow reader took long to reach the close frame; now that it has it, it
                    // gets the usual time to answer, not what is left of its reading time.
                    f.channel()
                        .eventLoop()
                        .schedule(
                            () -> f.channel().close(), CLOSE_REPLY_MILLIS, TimeUnit.MILLISECONDS);
                  }
                });
  }

  /** How long the peer may take to answer a close frame it has been sent. */
  static final long CLOSE_REPLY_MILLIS = 2000;

  /** Records why the connection ends, once: the first cause wins. */
  void recordClose(int code, String reason, boolean byServer) {
    if (closeCode == CloseCodes.ABNORMAL && !closeSent) {
      closeCode = code;
      closeReason = reason == null ? "" : reason;
      closedByServer = byServer;
    }
  }
}
