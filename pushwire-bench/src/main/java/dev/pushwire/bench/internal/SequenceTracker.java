package dev.pushwire.bench.internal;

/**
 * What one subscriber received of the sequence 0, 1, 2, ...: how many distinct numbers, how many
 * again. Kept as a sorted list of received ranges, which is a single range while messages arrive in
 * order and gains one range per gap, so it stays small unless many messages are lost. Not
 * thread-safe: one tracker per connection, used on its event loop.
 *
 * <p>Past {@link #MAX_RANGES} ranges the two oldest are merged and the gap between them is counted
 * lost for good; a message from such a gap arriving later would then count as a duplicate.
 */
public final class SequenceTracker {
  /** The most ranges kept. */
  static final int MAX_RANGES = 1024;

  private long[] starts = new long[4];
  private long[] ends = new long[4]; // exclusive
  private int n;
  private long unique;
  private long duplicates;
  private long forgotten;

  /** Records {@code seq}; returns whether it was new (false: a duplicate). */
  public boolean record(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("sequence numbers start at 0: " + seq);
    }
    if (n > 0 && seq == ends[n - 1]) { // the common case: the next one in order
      ends[n - 1]++;
      unique++;
      if (n > 1 && ends[n - 2] == starts[n - 1]) {
        merge(n - 2);
      }
      return true;
    }
    int i = upperBound(seq); // ranges before i start at or below seq
    if (i > 0 && seq < ends[i - 1]) {
      duplicates++;
      return false;
    }
    unique++;
    boolean joinsLeft = i > 0 && ends[i - 1] == seq;
    boolean joinsRight = i < n && starts[i] == seq + 1;
    if (joinsLeft && joinsRight) {
      ends[i - 1] = seq + 1;
      merge(i - 1);
    } else if (joinsLeft) {
      ends[i - 1] = seq + 1;
    } else if (joinsRight) {
      starts[i] = seq;
    } else {
      insert(i, seq);
    }
    return true;
  }

  private int upperBound(long seq) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void merge(int i) { // joins range i and i + 1
    forgotten += starts[i + 1] - ends[i];
    ends[i] = ends[i + 1];
    System.arraycopy(starts, i + 2, starts, i + 1, n - i - 2);
    System.arraycopy(ends, i + 2, ends, i + 1, n - i - 2);
    n--;
  }

  private void insert(int i, long seq) {
    if (n == starts.length) {
      int cap = Math.min(MAX_RANGES + 1, n * 2);
      starts = java.util.Arrays.copyOf(starts, cap);
      ends = java.util.Arrays.copyOf(ends, cap);
    }
    System.arraycopy(starts, i, starts, i + 1, n - i);
    System.arraycopy(ends, i, ends, i + 1, n - i);
    starts[i] = seq;
    ends[i] = seq + 1;
    n++;
    if (n > MAX_RANGES) {
      merge(0);
    }
  }

  /** Distinct sequence numbers received. */
  public long unique() {
    return unique;
  }

  /** Sequence numbers received more than once (each extra copy counts). */
  public long duplicates() {
    return duplicates;
  }

  /** Of the first {@code expected} sequence numbers (0 to expected - 1), how many never arrived. */
  public long lost(long expected) {
    long got = 0;
    for (int i = 0; i < n && starts[i] < expected; i++) {
      got += Math.min(ends[i], expected) - starts[i];
    }
    return expected - got + forgotten;
  }

  /** The highest sequence number received, or -1. */
  public long max() {
    return n == 0 ? -1 : ends[n - 1] - 1;
  }

  /** Whether every one of 0 to {@code expected} - 1 arrived. */
  public boolean complete(long expected) {
    return expected == 0 || (n >= 1 && starts[0] == 0 && ends[0] >= expected);
  }

  /** The number of ranges kept (for tests). */
  int ranges() {
    return n;
  }

  /** Gaps given up on when the range list was full (for tests). */
  long forgotten() {
    return forgotten;
  }
}
