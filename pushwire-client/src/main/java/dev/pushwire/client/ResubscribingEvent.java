package dev.pushwire.client;

/**
 * The client subscribes to a channel again, on the same connection, with {@code since} = the last
 * position it handled, because the stream of the channel broke: the node said so with an {@code
 * unsubscribed} notice, or a push skipped offsets or changed epoch (a gap). What history still
 * holds arrives next; what it does not is reported to {@link PushwireClient#onLost}.
 *
 * @param channel the channel
 * @param cause why
 * @param since the position the client resubscribes from, or {@code null} if it handled nothing
 * @param code the notice's code ({@code insufficient_state}, ...) or {@code gap}
 * @param message the notice's message, or what the gap was
 */
public record ResubscribingEvent(
    String channel, Cause cause, Position since, String code, String message) {

  /** Why the client resubscribes. */
  public enum Cause {
    /** The node sent {@code unsubscribed} with {@code "resubscribe": true}. */
    UNSUBSCRIBED,
    /** A push skipped offsets or carried another epoch than the last one handled. */
    GAP
  }
}
