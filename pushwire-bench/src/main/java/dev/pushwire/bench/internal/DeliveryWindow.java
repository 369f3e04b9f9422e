package dev.pushwire.bench.internal;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * For publishing as fast as the server delivers: at most {@code size} messages may be on their way
 * at once, a message leaving the window when every subscriber has received it. Slot {@code seq %
 * size} holds how many subscribers still wait for message {@code seq}; the publisher reuses a slot
 * only once it reached zero, so every decrement belongs to the message that is in the slot.
 */
public final class DeliveryWindow {
  private final AtomicIntegerArray remaining;
  private final int subscribers;

  /** A window of {@code size} messages for {@code subscribers} subscribers. */
  public DeliveryWindow(int size, int subscribers) {
    this.remaining = new AtomicIntegerArray(size);
    this.subscribers = subscribers;
  }

  /** Whether message {@code seq} may be published now. */
  public boolean isFree(long seq) {
    return remaining.get(slot(seq)) <= 0;
  }

  /** Message {@code seq} is about to be published; call before sending it. */
  public void published(long seq) {
    remaining.set(slot(seq), subscribers);
  }

  /** One subscriber received message {@code seq} for the first time. */
  public void delivered(long seq) {
    remaining.decrementAndGet(slot(seq));
  }

  private int slot(long seq) {
    return (int) (seq % remaining.length());
  }
}
