package dev.pushwire.hub;

/**
 * A run of offsets in one channel's stream, {@code from} to {@code to} inclusive: for example the
 * publications a client missed that history no longer holds.
 *
 * @param from the first offset
 * @param to the last offset, not below {@code from}
 */
public record OffsetRange(long from, long to) {
  public OffsetRange {
    if (from < 1 || to < from) {
      throw new IllegalArgumentException("offsets " + from + " to " + to + " are not a range");
    }
  }

  /** How many offsets the range holds. */
  public long size() {
    return to - from + 1;
  }
}
