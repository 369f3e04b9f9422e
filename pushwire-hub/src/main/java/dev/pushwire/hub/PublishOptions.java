package dev.pushwire.hub;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a broker keeps one publication: the channel's history bounds as they stand for this publish,
 * and optional attributes. The hub fills these in from {@link HubConfig#historyPolicy}.
 *
 * @param historySize publications the channel's history keeps, 0 or more (0 keeps none, but offsets
 *     are still assigned)
 * @param historyTtl how long a publication stays in history; positive
 * @param historyMetaTtl how long the channel's top offset and epoch are kept after its last
 *     publication; at least {@code historyTtl}. When they are dropped the channel starts a new
 *     epoch, so clients learn that what they had cannot be recovered.
 * @param info attributes stored with the publication (empty when none)
 */
public record PublishOptions(
    int historySize, Duration historyTtl, Duration historyMetaTtl, Map<String, String> info) {

  /** The hub's defaults: 100 publications for 5 minutes, positions kept for 24 hours. */
  public static final PublishOptions DEFAULT =
      new PublishOptions(
          HubConfig.DEFAULT_HISTORY_SIZE,
          HubConfig.DEFAULT_HISTORY_TTL,
          HubConfig.DEFAULT_HISTORY_META_TTL,
          Map.of());

  public PublishOptions {
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must be 0 or more: " + historySize);
    }
    Objects.requireNonNull(historyTtl, "historyTtl");
    Objects.requireNonNull(historyMetaTtl, "historyMetaTtl");
    if (historyTtl.isNegative() || historyTtl.isZero()) {
      throw new IllegalArgumentException("historyTtl must be positive: " + historyTtl);
    }
    if (historyMetaTtl.compareTo(historyTtl) < 0) {
      throw new IllegalArgumentException(
          "historyMetaTtl ("
              + historyMetaTtl
              + ") must be at least historyTtl ("
              + historyTtl
              + ")");
    }
    info = info == null ? Map.of() : Map.copyOf(info);
  }

  /** Options with {@code policy}'s bounds, {@code metaTtl}, and no info. */
  public static PublishOptions of(HistoryPolicy policy, Duration metaTtl) {
    return new PublishOptions(policy.size(), policy.ttl(), metaTtl, Map.of());
  }

  /** These options with {@code info} instead. */
  public PublishOptions withInfo(Map<String, String> info) {
    return new PublishOptions(historySize, historyTtl, historyMetaTtl, info);
  }
}
