package dev.pushwire.hub;

import java.util.Objects;

/**
 * What part of a channel's history to read.
 *
 * <p>Without {@code since}, the result holds the <em>latest</em> {@code limit} publications. With
 * {@code since}, it holds the <em>first</em> {@code limit} publications after that position,
 * provided the epoch matches; when it does not, {@code since} is ignored as if absent. Either way
 * the publications are in ascending offset order.
 *
 * @param since the position the reader has, or {@code null}
 * @param limit the most publications to return, 0 or more; 0 returns only the top position and
 *     epoch; {@link #NO_LIMIT} returns all that are kept
 */
public record HistoryOptions(StreamPosition since, int limit) {

  /** A limit that returns every publication the history holds. */
  public static final int NO_LIMIT = Integer.MAX_VALUE;

  public HistoryOptions {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 or more: " + limit);
    }
  }

  /** The latest {@code limit} publications. */
  public static HistoryOptions latest(int limit) {
    return new HistoryOptions(null, limit);
  }

  /** Up to {@code limit} publications after {@code since}. */
  public static HistoryOptions since(StreamPosition since, int limit) {
    return new HistoryOptions(Objects.requireNonNull(since, "since"), limit);
  }

  /** Only the channel's top offset and epoch. */
  public static HistoryOptions top() {
    return new HistoryOptions(null, 0);
  }
}
