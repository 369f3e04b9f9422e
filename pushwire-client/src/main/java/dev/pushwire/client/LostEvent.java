package dev.pushwire.client;

/**
 * Publications of a channel could not be recovered: a subscribe with {@code since} (after a
 * reconnect, a resubscribe, or from a saved position) was answered {@code "recovered": false}.
 * Reload the channel's state from your application; the subscription carries on from {@link
 * #position()}.
 *
 * <p>When the epoch is unchanged, {@link #from()} and {@link #to()} name the offsets that are lost
 * (history no longer holds them; everything after {@code to} is delivered). When the epoch changed
 * (the channel's history itself was lost) or the position asked for was ahead of the channel, the
 * lost offsets are unknown and both are 0.
 *
 * @param channel the channel
 * @param since the position the subscription asked to recover from
 * @param position where the subscription carries on: publications after it are delivered
 * @param from the first lost offset, or 0 when unknown
 * @param to the last lost offset, or 0 when unknown
 */
public record LostEvent(String channel, Position since, Position position, long from, long to) {

  /** Whether {@link #from()} and {@link #to()} name the lost offsets. */
  public boolean hasRange() {
    return from > 0;
  }

  /** How many publications are lost, or -1 when unknown. */
  public long count() {
    return hasRange() ? to - from + 1 : -1;
  }

  /** Whether the channel's epoch changed: its whole history before {@link #position()} is gone. */
  public boolean epochChanged() {
    return !since.epoch().equals(position.epoch());
  }
}
