package dev.pushwire.hub.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How often each of the hub's limits triggered, by reason; see {@code Hub#limitsTriggered()}. */
final class LimitCounters {
  /** A command refused with {@code rate_limited}. */
  static final String RATE_LIMITED = "rate_limited";

  /** A connection closed with 1008 for going on past its rate limit. */
  static final String RATE_LIMIT_CLOSE = "rate_limit_close";

  /** A connection closed with 1008 after too many malformed commands in a row. */
  static final String GARBAGE_CLOSE = "garbage_close";

  /** A subscription refused with {@code too_many_subscriptions}. */
  static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";

  /** A command or plain-client channel refused with {@code forbidden}. */
  static final String FORBIDDEN = "forbidden";

  /** A publication refused with {@code too_many_channels}: the broker keeps no more channels. */
  static final String TOO_MANY_CHANNELS = "too_many_channels";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void increment(String reason) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return Map.copyOf(out);
  }
}
