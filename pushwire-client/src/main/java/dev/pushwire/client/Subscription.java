package dev.pushwire.client;

import java.util.concurrent.CompletionStage;

/**
 * One channel subscription of a {@link PushwireClient}, made with {@link
 * PushwireClient#subscribe(String, PublicationListener)}. It lasts until {@link #unsubscribe()},
 * {@link PushwireClient#close()}, or a refusal by the node: across reconnects it is re-established
 * with {@code since} = {@link #position()}, so its listener receives every publication once, in
 * order, or {@link PushwireClient#onLost} is told what is missing. Safe to use from any thread.
 */
public interface Subscription {

  /** The channel. */
  String channel();

  /**
   * Completes with the node's first answer to the subscription; fails with a {@link
   * PushwireException} if the node refused it ({@code bad_channel}, {@code forbidden}, ...), or
   * with {@link PushwireException#NOT_SUBSCRIBED} or {@link PushwireException#DISCONNECTED} if it
   * was ended first by {@link #unsubscribe()} or {@link PushwireClient#close()}. Waits as long as
   * the client is connecting.
   */
  CompletionStage<SubscribedEvent> ready();

  /**
   * The position of the last publication handled, or of the channel when the subscription went live
   * if none came since; {@code null} before the first answer (or the {@code since} position it
   * started from). Save it to resume later with {@link PushwireClient#subscribe(String, Position,
   * PublicationListener)}.
   */
  Position position();

  /** Whether the subscription still lasts (it may be waiting for a connection). */
  boolean isActive();

  /**
   * Ends the subscription. No publication reaches its listener after this call returns (except one
   * being delivered on the event loop at that moment, when called from another thread). The stage
   * completes when the node confirmed, at once when not connected; idempotent.
   */
  CompletionStage<Void> unsubscribe();
}
