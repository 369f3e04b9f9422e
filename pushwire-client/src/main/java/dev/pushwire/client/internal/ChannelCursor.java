package dev.pushwire.client.internal;

import dev.pushwire.client.Position;

/**
 * The position of the last publication handled on one channel, and the client rule of
 * docs/PROTOCOL.md "Recovery" that judges each push against it: the same epoch and an offset not
 * above it is a {@link Verdict#DUPLICATE}; the same epoch and the next offset is {@link
 * Verdict#HANDLE}; anything else (offsets skipped, another epoch) is a {@link Verdict#GAP}. Before
 * any position is known every push is handled, and sets it. Not thread-safe: used on the client's
 * event loop only.
 */
final class ChannelCursor {

  /** What to do with a push. */
  enum Verdict {
    /** Deliver it, then {@link #advance}. */
    HANDLE,
    /** Seen already: drop it. */
    DUPLICATE,
    /** Publications were missed: resubscribe with {@code since} = {@link #position()}. */
    GAP
  }

  private long offset;
  private String epoch;

  /** A cursor at {@code start}, or with no position if {@code null}. */
  ChannelCursor(Position start) {
    set(start);
  }

  /** Judges a push at {@code pushOffset} of {@code pushEpoch}. */
  Verdict check(long pushOffset, String pushEpoch) {
    if (epoch == null) {
      return Verdict.HANDLE;
    }
    if (!epoch.equals(pushEpoch)) {
      return Verdict.GAP;
    }
    if (pushOffset <= offset) {
      return Verdict.DUPLICATE;
    }
    return pushOffset == offset + 1 ? Verdict.HANDLE : Verdict.GAP;
  }

  /** A push was handled. */
  void advance(long pushOffset, String pushEpoch) {
    offset = pushOffset;
    epoch = pushEpoch;
  }

  /** Moves to {@code position} ({@code null}: no position). */
  void set(Position position) {
    if (position == null) {
      offset = 0;
      epoch = null;
    } else {
      offset = position.offset();
      epoch = position.epoch();
    }
  }

  /** The last position handled, or {@code null}. */
  Position position() {
    return epoch == null ? null : new Position(offset, epoch);
  }

  boolean known() {
    return epoch != null;
  }

  long offset() {
    return offset;
  }

  String epoch() {
    return epoch;
  }
}
