package dev.pushwire.bench.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The open connections of a run, and how they end: closes that the run did not ask for are counted
 * by reason; {@link #closeAll} runs the closing handshake on all of them at the end.
 */
public final class Connections {
  private final ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
  private final Failures unexpectedCloses = new Failures();
  private volatile boolean closing;

  /** Adds an open connection. */
  public void add(Channel ch) {
    channels.add(ch);
  }

  /** The connections added, in no particular order. */
  public List<Channel> list() {
    return new ArrayList<>(channels);
  }

  /** How many are still open. */
  public int openCount() {
    int n = 0;
    for (Channel ch : channels) {
      if (ch.isActive()) {
        n++;
      }
    }
    return n;
  }

  /** Whether the run is closing its connections (closes are expected from here on). */
  public boolean closing() {
    return closing;
  }

  /** Closes that the run did not ask for, by reason. */
  public Failures unexpectedCloses() {
    return unexpectedCloses;
  }

  /**
   * Sends a close frame (1000) on every connection, waits up to {@code grace} for the server to
   * answer and end the connections, then closes what is left.
   */
  public void closeAll(Duration grace) {
    closing = true;
    List<ChannelFuture> closed = new ArrayList<>();
    for (Channel ch : channels) {
      if (ch.isActive()) {
        ch.writeAndFlush(new CloseWebSocketFrame(1000, null));
      }
      closed.add(ch.closeFuture());
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ChannelFuture f : closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }
}
