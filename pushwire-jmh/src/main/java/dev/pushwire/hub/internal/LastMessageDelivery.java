package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import java.time.Duration;
import java.util.Collection;

/**
 * A {@link Delivery} that keeps, per calling thread, only the last message and its targets. The
 * writes land in an object the JIT cannot prove dead, so the hub's encoding is not optimised away,
 * yet no server work is measured and no field is shared between benchmark threads (a shared counter
 * would itself be the contention the threaded benchmarks look for).
 */
final class LastMessageDelivery implements Delivery {

  private static final class Slot {
    Object text;
    Collection<Long> targets;
    long deliveries;
  }

  private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

  @Override
  public void deliver(Collection<Long> connectionIds, byte[] utf8) {
    Slot s = slots.get();
    s.text = utf8;
    s.targets = connectionIds;
    s.deliveries++;
  }

  @Override
  public boolean send(long connectionId, String text) {
    Slot s = slots.get();
    s.text = text;
    s.deliveries++;
    return true;
  }

  @Override
  public void close(long connectionId, int code, String reason) {
    // No benchmark closes connections; a close here would be a set-up bug, not something to time.
    throw new IllegalStateException("benchmark closed connection " + connectionId + ": " + reason);
  }

  @Override
  public void closeWhenSlow(long connectionId, int code, String reason) {
    // Benchmarks have no slow consumers: nothing to remember.
  }

  @Override
  public TimerHandle every(Duration period, Runnable task) {
    // The hub's registry refresh timer; never firing it keeps background work out of the figures.
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
}
