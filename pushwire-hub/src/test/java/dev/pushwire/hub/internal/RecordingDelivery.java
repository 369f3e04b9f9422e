package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Delivery} that records, per connection and in order, what the hub queued, as a server
 * whose event loops preserve queue order would deliver it.
 */
final class RecordingDelivery implements Delivery {
  record Close(int code, String reason) {}

  private final Map<Long, List<String>> received = new ConcurrentHashMap<>();
  private final Map<Long, Close> closes = new ConcurrentHashMap<>();
  private final Map<Long, Close> slowCloses = new ConcurrentHashMap<>();
  private final List<String> fanOuts = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger timers = new AtomicInteger();

  /** Set to play a server that is stopping: it refuses new timers, as the real one does. */
  volatile boolean stopping;

  @Override
  public void deliver(Collection<Long> connectionIds, byte[] utf8) {
    // As the server's fallback decodes bytes that are not UTF-8 (see ServerDelivery).
    String text = new String(utf8, StandardCharsets.UTF_8);
    fanOuts.add(text);
    for (Long id : connectionIds) {
      inbox(id).add(text);
    }
  }

  @Override
  public boolean send(long connectionId, String text) {
    inbox(connectionId).add(text);
    return true;
  }

  @Override
  public void close(long connectionId, int code, String reason) {
    closes.putIfAbsent(connectionId, new Close(code, reason));
  }

  @Override
  public void closeWhenSlow(long connectionId, int code, String reason) {
    slowCloses.put(connectionId, new Close(code, reason));
  }

  @Override
  public TimerHandle every(Duration period, Runnable task) {
    if (stopping) {
      throw new IllegalStateException("the server is not running");
    }
    timers.incrementAndGet();
    return new TimerHandle() {
      @Override
      public boolean cancel() {
        return true;
      }

      @Override
      public boolean isCancelled() {
        return false;
      }
    };
  }

  /** What connection {@code id} was sent so far, in order. */
  List<String> messages(long id) {
    List<String> inbox = inbox(id);
    synchronized (inbox) {
      return List.copyOf(inbox);
    }
  }

  /** Forgets what connection {@code id} was sent. */
  void clear(long id) {
    inbox(id).clear();
  }

  /** The close the hub asked for, or {@code null}. */
  Close closeOf(long id) {
    return closes.get(id);
  }

  /** The close the hub asked for when the connection cannot keep up, or {@code null}. */
  Close slowCloseOf(long id) {
    return slowCloses.get(id);
  }

  /** Each text handed to the fan-out path, once per call. */
  List<String> fanOuts() {
    synchronized (fanOuts) {
      return List.copyOf(fanOuts);
    }
  }

  private List<String> inbox(long id) {
    return received.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()));
  }
}
