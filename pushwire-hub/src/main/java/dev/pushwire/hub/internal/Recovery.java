package dev.pushwire.hub.internal;

import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.OffsetRange;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import java.util.List;

/**
 * What a subscription from a client's position gets from the history read made as it joined.
 *
 * @param recovered whether history held everything after the position
 * @param missed the publications to send before it goes live
 * @param lost the offsets that history no longer holds, or {@code null}
 */
record Recovery(boolean recovered, List<Publication> missed, OffsetRange lost) {
  private static final Recovery NOTHING = new Recovery(false, List.of(), null);

  /** The recovery of a subscription from {@code since} ({@code null}: from the top). */
  static Recovery of(StreamPosition since, HistoryResult history) {
    if (since == null) {
      return NOTHING;
    }
    if (history.recoverable()) {
      return new Recovery(true, history.publications(), null);
    }
    boolean sameEpoch = since.epoch().equals(history.epoch());
    if (sameEpoch && since.offset() >= history.offset()) {
      return NOTHING;
    }
    long firstLost;
    if (sameEpoch) {
      // Same epoch, but history no longer holds all of it: send what it holds, name what it lost.
      firstLost = since.offset() + 1;
    } else {
      // The client's epoch ended (its history was lost): whatever followed in it is unknown, but
      // the new epoch is all after it. Send what history holds of it, from its first offset.
      firstLost = 1;
    }
    List<Publication> missed = history.publications();
    long firstKept = missed.isEmpty() ? history.offset() + 1 : missed.get(0).offset();
    return new Recovery(
        false, missed, firstKept > firstLost ? new OffsetRange(firstLost, firstKept - 1) : null);
  }
}
