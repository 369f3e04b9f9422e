package dev.pushwire.server.internal;

import dev.pushwire.hub.Hub;
import dev.pushwire.server.internal.metrics.NodeCounters;
import dev.pushwire.server.internal.metrics.NodeCounters.Source;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side timer ({@code tick.period}): each run publishes one message to {@code
 * tick.channel} with no client involved, the classic "push one message per second" without a
 * trigger process. It runs on an event loop through {@code WebSocketServer.tick} and never blocks:
 * the publication completes asynchronously.
 *
 * <p>The message is {@code tick.data} as text, or, when that is empty, a small JSON object such as
 * {@code {"seq":3,"time":"2025-01-01T12:00:03.000Z"}} with a sequence number from 1.
 */
public final class TickPublisher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(TickPublisher.class);

  private final Hub hub;
  private final String channel;
  private final String data;
  private final NodeCounters counters;
  private final Clock clock;
  private final AtomicLong seq = new AtomicLong();

  /** Publishes {@code data} (or the default payload when empty) to {@code channel}. */
  public TickPublisher(Hub hub, String channel, String data, NodeCounters counters, Clock clock) {
    this.hub = hub;
    this.channel = channel;
    this.data = data;
    this.counters = counters;
    this.clock = clock;
  }

  @Override
  public void run() {
    long n = seq.incrementAndGet();
    var stage =
        data.isEmpty() ? hub.publish(channel, defaultPayload(n)) : hub.publishText(channel, data);
    stage.whenComplete(
        (r, e) -> {
          if (e == null) {
            counters.published(Source.TICK);
          } else {
            counters.failed(Source.TICK);
            log.warn("tick {}: publishing to {} failed: {}", n, channel, e.toString());
          }
        });
  }

  /** {@code {"seq":n,"time":"..."}} with the time in ISO-8601 UTC to the millisecond. */
  String defaultPayload(long n) {
    return "{\"seq\":"
        + n
        + ",\"time\":\""
        + clock.instant().truncatedTo(ChronoUnit.MILLIS)
        + "\"}";
  }
}
