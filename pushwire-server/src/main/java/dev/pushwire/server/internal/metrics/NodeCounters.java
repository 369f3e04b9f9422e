package dev.pushwire.server.internal.metrics;

import dev.pushwire.core.ServerStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a node counts beyond the server's own counters: publications by where they came from (and
 * the ones that failed), publications handed to this node's subscribers, failed backend calls, and
 * HTTP API requests (and the ones refused for their key).
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
  private final AtomicLong apiTooLarge = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong backendErrors = new AtomicLong();

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

  /** Counts one HTTP API request refused for a body over {@code api.max-body-size} (413). */
  public void apiTooLarge() {
    apiTooLarge.incrementAndGet();
  }

  /** HTTP API requests refused for a body over {@code api.max-body-size} by the API itself. */
  public long apiTooLargeCount() {
    return apiTooLarge.get();
  }

  /**
   * Every 413 this node answered: the API's own, and those of the engine, which refuses a body over
   * the same limit before the API sees it (counted in {@code server}'s {@code
   * handshakesRefused[too_large]}).
   */
  public long tooLargeCount(ServerStats server) {
    return apiTooLarge.get() + server.handshakesRefused().getOrDefault("too_large", 0L);
  }

  /** Counts one HTTP API request refused for a missing or wrong key. */
  public void apiUnauthorized() {
    apiUnauthorized.incrementAndGet();
  }

  /** Counts one publication the broker accepted from this node, whatever its source. */
  public void accepted() {
    accepted.incrementAndGet();
  }

  /** Publications the broker accepted from this node, from every source (pushwire.v1 too). */
  public long acceptedCount() {
    return accepted.get();
  }

  /** Counts one publication the broker handed to this node to fan out to its subscribers. */
  public void delivered() {
    deliveries.incrementAndGet();
  }

  /** Counts one failed call to the broker or the registry. */
  public void backendError() {
    backendErrors.incrementAndGet();
  }

  /** Publications handed to this node's subscribers (each counted once, whatever their number). */
  public long deliveries() {
    return deliveries.get();
  }

  /** Failed calls to the broker or the registry. */
  public long backendErrors() {
    return backendErrors.get();
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
