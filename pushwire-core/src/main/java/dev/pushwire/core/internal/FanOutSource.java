package dev.pushwire.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * A connection whose messages (or an HTTP connection whose requests) lead to broadcasts, paced by
 * its receivers. Each broadcast made while one of its messages is being handled takes a {@link
 * Ticket} per event loop it goes to; the ticket is given back when that loop has written the frame
 * and every receiver that fell behind has caught up (or was found to be a slow consumer). While
 * more than {@link #PAUSE_BYTES} are held in tickets, the source is not read: a publisher that is
 * faster than its readers is slowed down to their pace, as Netty's proxy example slows one socket
 * down to another, instead of filling the server's memory or the readers' buffers.
 *
 * <p>Confined to the source's event loop: tickets are given back through it.
 */
final class FanOutSource {
  /** Bytes of broadcasts in flight above which reading from the source pauses. */
  static final long PAUSE_BYTES = 256 * 1024;

  /** Reading resumes once the bytes in flight are down to this. */
  static final long RESUME_BYTES = PAUSE_BYTES / 2;

  /** What a ticket costs beyond its payload, so that tiny messages are paced too. */
  static final int TICKET_OVERHEAD = 64;

  /** Something that can be a source: a WebSocket connection or an HTTP connection. */
  interface Owner {
    /** The source, made on first use. */
    FanOutSource fanOutSource();
  }

  private final Channel channel;
  private final EventLoop loop;
  private final Runnable onResume;
  private long inFlight;
  private boolean paused;

  /**
   * @param onResume runs on the loop when reading may go on; null to turn auto-read back on
   */
  FanOutSource(Channel channel, Runnable onResume) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.onResume = onResume;
  }

  /** A ticket for {@code payloadBytes} broadcast to one event loop; on the source's loop. */
  Ticket acquire(int payloadBytes) {
    long cost = (long) payloadBytes + TICKET_OVERHEAD;
    inFlight += cost;
    return new Ticket(this, cost);
  }

  /**
   * Stops reading from the source if too much of what it caused is still in flight; on the source's
   * loop, after a message or request was handled.
   */
  void pauseIfBusy() {
    if (!paused && inFlight > PAUSE_BYTES && channel.isActive()) {
      paused = true;
      channel.config().setAutoRead(false);
    }
  }

  /** Whether reading is paused until tickets come back. */
  boolean isPaused() {
    return paused;
  }

  private void giveBack(long cost) {
    if (loop.inEventLoop()) {
      returned(cost);
    } else {
      loop.execute(() -> returned(cost));
    }
  }

  private void returned(long cost) {
    inFlight -= cost;
    if (paused && inFlight <= RESUME_BYTES) {
      paused = false;
      if (onResume != null) {
        onResume.run();
      } else if (channel.isActive()) {
        channel.config().setAutoRead(true);
      }
    }
  }

  /**
   * One broadcast's share on one event loop. Confined to that loop: the fan-out task holds it while
   * it writes, and each receiver that is behind holds it until it catches up.
   */
  static final class Ticket {
    private final FanOutSource source;
    private final long cost;
    private int holders = 1;

    private Ticket(FanOutSource source, long cost) {
      this.source = source;
      this.cost = cost;
    }

    /** One more holder: a receiver that is behind. */
    void hold() {
      holders++;
    }

    /** One holder lets go; the last one gives the bytes back to the source. */
    void release() {
      if (--holders == 0) {
        source.giveBack(cost);
      }
    }
  }
}
