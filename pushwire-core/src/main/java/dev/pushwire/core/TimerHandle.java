package dev.pushwire.core;

/** A timer started with {@link WebSocketServer#tick} or {@link WebSocketServer#after}. */
public interface TimerHandle {
  /**
   * Cancels the timer; a run already in progress finishes. Returns false if it was already done.
   */
  boolean cancel();

  /** Whether the timer was cancelled. */
  boolean isCancelled();
}
