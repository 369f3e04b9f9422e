package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Server pings and the idle timeout. One timer per event loop walks that loop's connections, rather
 * than one timer per connection: an idle connection then costs no scheduled task. A connection that
 * read nothing (not even a pong) for the idle timeout is closed with 1001; the others get a ping
 * every ping interval, unless their outbound buffer is full anyway.
 */
final class Heartbeat {
  /** A ping frame with no payload, shared by every connection: it is never modified. */
  private static final ByteBuf PING_FRAME =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(2).writeByte(0x89).writeByte(0).asReadOnly());

  private Heartbeat() {}

  /** Starts the heartbeat of {@code shard}; does nothing when both durations are zero. */
  static void start(LoopShard shard, Duration pingInterval, Duration idleTimeout) {
    long ping = pingInterval.toNanos();
    long idle = idleTimeout.toNanos();
    if (ping == 0 && idle == 0) {
      return;
    }
    long base = ping == 0 ? idle : idle == 0 ? ping : Math.min(ping, idle);
    long period =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(20), Math.min(base / 4, TimeUnit.SECONDS.toNanos(1)));
    long[] lastPing = {System.nanoTime()};
    shard.loop.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          boolean pingNow = ping > 0 && now - lastPing[0] >= ping;
          if (pingNow) {
            lastPing[0] = now;
          }
          shard.forEach(
              c -> {
                if (idle > 0 && now - c.lastReadNanos > idle && !c.closeSent) {
                  c.startClose(CloseCodes.GOING_AWAY, "idle timeout");
                } else if (pingNow && !c.closeSent && c.channel.isWritable()) {
                  c.channel.writeAndFlush(PING_FRAME.duplicate(), c.channel.voidPromise());
                }
              });
        },
        period,
        period,
        TimeUnit.NANOSECONDS);
  }
}
