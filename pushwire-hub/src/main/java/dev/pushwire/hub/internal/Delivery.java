package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import java.time.Duration;
import java.util.Collection;

/**
 * Everything the hub needs from the WebSocket server, and nothing more: a seam so that the hub's
 * logic runs in tests against a recording fake ({@link ServerDelivery} is the real one).
 * Implementations must be safe to call from any thread and must queue in call order per connection.
 */
public interface Delivery {

  /**
   * Queues a text message, given as its UTF-8 bytes, to each of {@code connectionIds} that exists,
   * framing it once. The collection and the array are only read during the call. Bytes that are not
   * well-formed UTF-8 (data another publisher wrote to the broker) go as {@code new String(utf8,
   * UTF_8)} makes them, malformed sequences replaced by U+FFFD.
   */
  void deliver(Collection<Long> connectionIds, byte[] utf8);

  /** Queues {@code text} to one connection; false if it does not exist. */
  boolean send(long connectionId, String text);

  /** Closes a connection with {@code code} after what is queued for it. */
  void close(long connectionId, int code, String reason);

  /**
   * Makes a connection close with {@code code} and {@code reason} when it cannot keep up, instead
   * of the server's slow-consumer policy.
   */
  void closeWhenSlow(long connectionId, int code, String reason);

  /** Runs {@code task} every {@code period} until the handle is cancelled. */
  TimerHandle every(Duration period, Runnable task);
}
