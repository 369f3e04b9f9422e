package dev.pushwire.server.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a node counts beyond the server's own counters: publications by where they came from (and
 * the ones that failed), and HTTP API requests (and the ones refused for their key).
 */
public final class NodeCounters {

  /** Where a publication came from. */
  public enum Source {
    /** {@code POST /api/publish} and {@code /api/broadcast}. */
    HTTP,
    /** A message on the publisher socket. */
    SOCKET,
    /** The {@code tick} timer. */
    TICK
  }

  private final AtomicLongArray published = new AtomicLongArray(Source.values().length);
  private final AtomicLongArray failed = new AtomicLongArray(Source.values().length);
  private final AtomicLong apiRequests = new AtomicLong();
  private final AtomicLong apiUnauthorized = new AtomicLong();

  /** Counts one publication from {@code source} that the broker accepted. */
  public void published(Source source) {
    published.incrementAndGet(source.ordinal());
  }

  /** Counts one publication from {@code source} that failed. */
  public void failed(Source source) {
    failed.incrementAndGet(source.ordinal());
  }

  /** Counts one HTTP API request. */
  public void apiRequest() {
    apiRequests.incrementAndGet();
  }

  /** Counts one HTTP API request refused for a missing or wrong key. */
  public void apiUnauthorized() {
    apiUnauthorized.incrementAndGet();
  }

  /** HTTP API requests. */
  public long apiRequests() {
    return apiRequests.get();
  }

  /** HTTP API requests refused for a missing or wrong key. */
  public long apiUnauthorizedCount() {
    return apiUnauthorized.get();
  }

  /** Accepted publications by source, keyed {@code http}, {@code socket}, {@code tick}. */
  public Map<String, Long> published() {
    return snapshot(published);
  }

  /** Failed publications by source. */
  public Map<String, Long> failed() {
    return snapshot(failed);
  }

  private static Map<String, Long> snapshot(AtomicLongArray counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Source s : Source.values()) {
      out.put(s.name().toLowerCase(Locale.ROOT), counts.get(s.ordinal()));
    }
    return out;
  }
}
