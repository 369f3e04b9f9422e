package dev.pushwire.client;

/**
 * Publications of a channel could not be recovered: a subscribe with {@code since} (after a
 * reconnect, a resubscribe, or from a saved position) was answered {@code "recovered": false}.
 * Reload the channel's state from your application; the subscription carries on from {@link
 * #position()}.
 *
 * <p>When the epoch is unchanged, {@link #from()} and {@link #to()} name the offsets that are lost
 * (history no longer holds them; everything after {@code to} is delivered). When the epoch changed
 * ({@link #epochChanged()}: the channel's history itself was lost), what followed {@code since} in
 * the old epoch is unknown, and the new epoch is delivered from its start: {@code from} and {@code
 * to} then name the new epoch's offsets that history no longer holds, or are both 0 when it holds
 * them all. When the position asked for was ahead of the channel, both are 0.
 *
 * @param channel the channel
 * @param since the position the subscription asked to recover from
 * @param position where the subscription carries on: publications after it are delivered
 * @param from the first lost offset of {@code position}'s epoch, or 0
 * @param to the last lost offset of {@code position}'s epoch, or 0
 */
public record LostEvent(String channel, Position since, Position position, long from, long to) {

  /**
   * Whether {@link #from()} and {@link #to()} name lost offsets (of {@link #position()}'s epoch).
   */
  public boolean hasRange() {
    return from > 0;
  }

  /** How many publications {@link #from()} and {@link #to()} name, or -1 when they name none. */
  public long count() {
    return hasRange() ? to - from + 1 : -1;
  }

  /** Whether the channel's epoch changed: what followed {@link #since()} is unknown. */
  public boolean epochChanged() {
    return !since.epoch().equals(position.epoch());
  }
}
