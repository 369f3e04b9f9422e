package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * One channel's kept publications, oldest first, in a ring that grows on demand up to its bound (so
 * that a million idle channels with a bound of 1000 do not each hold a 1000-slot array). Not
 * thread-safe: the owner serialises access.
 */
public final class HistoryBuffer {
  private static final int INITIAL_CAPACITY = 8;

  private Publication[] ring = new Publication[0];
  private int head;
  private int size;

  /** Appends {@code p}, first dropping the oldest so that at most {@code maxSize} remain. */
  public void append(Publication p, int maxSize) {
    if (maxSize <= 0) {
      clear();
      return;
    }
    trimTo(maxSize - 1);
    if (size == ring.length) {
      grow(maxSize);
    }
    ring[(head + size) % ring.length] = p;
    size++;
  }

  /** Drops the oldest until at most {@code maxSize} remain. */
  public void trimTo(int maxSize) {
    while (size > Math.max(maxSize, 0)) {
      dropOldest();
    }
  }

  /** Drops every publication published at or before {@code cutoffMillis}. */
  public void expire(long cutoffMillis) {
    while (size > 0 && ring[head].publishedAt() <= cutoffMillis) {
      dropOldest();
    }
  }

  /** Drops everything. */
  public void clear() {
    ring = new Publication[0];
    head = 0;
    size = 0;
  }

  /** The number of publications kept. */
  public int size() {
    return size;
  }

  /** The offset of the oldest publication kept, or -1 when empty. */
  public long oldestOffset() {
    return size == 0 ? -1 : ring[head].offset();
  }

  /** Up to {@code limit} publications with an offset above {@code offset}, oldest first. */
  public List<Publication> after(long offset, int limit) {
    int from = firstIndexAbove(offset);
    int n = (int) Math.min((long) size - from, limit);
    return copy(from, n);
  }

  /** The newest {@code limit} publications, oldest first. */
  public List<Publication> latest(int limit) {
    int n = Math.min(size, limit);
    return copy(size - n, n);
  }

  private int firstIndexAbove(long offset) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (get(mid).offset() <= offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private List<Publication> copy(int from, int n) {
    List<Publication> out = new ArrayList<>(Math.max(n, 0));
    for (int i = 0; i < n; i++) {
      out.add(get(from + i));
    }
    return out;
  }

  private Publication get(int i) {
    return ring[(head + i) % ring.length];
  }

  private void dropOldest() {
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
  }

  private void grow(int maxSize) {
    int capacity = Math.min(Math.max(INITIAL_CAPACITY, ring.length * 2), maxSize);
    Publication[] bigger = new Publication[capacity];
    for (int i = 0; i < size; i++) {
      bigger[i] = get(i);
    }
    ring = bigger;
    head = 0;
  }
}
