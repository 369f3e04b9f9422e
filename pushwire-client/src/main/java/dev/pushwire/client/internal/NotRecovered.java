package dev.pushwire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.client.LostEvent;
import dev.pushwire.client.Position;

/**
 * What a subscribe answered with {@code "recovered": false} means for a subscription, following
 * docs/PROTOCOL.md "Recovery": where its cursor moves, and what was lost.
 */
final class NotRecovered {
  private NotRecovered() {}

  /**
   * Moves the cursor after a subscribe answered {@code "recovered": false}, and says what was lost
   * if the subscribe asked for {@code since}, following docs/PROTOCOL.md "Recovery": the last
   * position becomes {@code lost.to} when {@code lost} is present, offset 0 of the new epoch when
   * the epoch changed (the node sends that epoch from its start), and the reply's offset otherwise.
   */
  static LostEvent apply(ChannelSubscription sub, Position since, Position top, JsonNode lost) {
    ChannelCursor cursor = sub.cursor;
    if (since == null) {
      // A new subscription: carry on from where it went live, unless a later push of the same epoch
      // came first.
      if (!cursor.known()
          || !cursor.epoch().equals(top.epoch())
          || cursor.offset() < top.offset()) {
        cursor.set(top);
      }
      return null;
    }
    boolean sameEpoch = cursor.known() && cursor.epoch().equals(top.epoch());
    if (lost != null && lost.isObject() && lost.path("to").canConvertToLong()) {
      long from = Math.max(1, lost.path("from").asLong(1));
      long to = lost.path("to").asLong();
      if (sameEpoch && to <= cursor.offset()) {
        return null; // handled meanwhile
      }
      long first = sameEpoch ? Math.max(from, cursor.offset() + 1) : from;
      cursor.set(new Position(to, top.epoch()));
      return new LostEvent(sub.channel, since, cursor.position(), first, to);
    }
    if (!sameEpoch) {
      // The epoch of our position ended: what followed it is unknown; the new epoch follows from
      // its start. (A node that sends only live publications then shows a gap at the first one,
      // and the resubscribe that follows fills the new epoch from history.)
      cursor.set(new Position(0, top.epoch()));
      return new LostEvent(sub.channel, since, cursor.position(), 0, 0);
    }
    if (cursor.offset() == top.offset()) {
      return null; // nothing was published since: nothing is missing
    }
    // The same epoch without lost: ahead of the channel, or a node that names no lost range.
    long from = cursor.offset() < top.offset() ? cursor.offset() + 1 : 0;
    long to = from > 0 ? top.offset() : 0;
    cursor.set(top);
    return new LostEvent(sub.channel, since, top, from, to);
  }
}
