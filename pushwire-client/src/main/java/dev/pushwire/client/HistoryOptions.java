package dev.pushwire.client;

/**
 * What {@link PushwireClient#history} reads.
 *
 * @param limit the most publications to return; -1 for all that history keeps; 0 for only the
 *     channel's position
 * @param since {@code null} for the latest {@code limit} publications; a position for the first
 *     {@code limit} publications after it (then {@link HistoryResult#recoverable()} says whether
 *     history still holds everything after it)
 */
public record HistoryOptions(int limit, Position since) {

  /** Everything history keeps. */
  public static final HistoryOptions ALL = new HistoryOptions(-1, null);

  public HistoryOptions {
    if (limit < -1) {
      throw new IllegalArgumentException(
          "limit: bad value '" + limit + "' (expected -1 for all, or 0 or more)");
    }
  }

  /** The latest {@code limit} publications, oldest first. */
  public static HistoryOptions latest(int limit) {
    return new HistoryOptions(limit, null);
  }

  /** The first {@code limit} publications after {@code since} (-1: all of them). */
  public static HistoryOptions after(Position since, int limit) {
    return new HistoryOptions(limit, java.util.Objects.requireNonNull(since, "since"));
  }
}
