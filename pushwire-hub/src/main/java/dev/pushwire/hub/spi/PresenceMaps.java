package dev.pushwire.hub.spi;

import dev.pushwire.hub.PresenceEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence kept in memory as channel -> (connection id -> entry), the way the memory registry and
 * the networked registries' own copies hold it. An inner map is created and dropped only inside the
 * outer map's compute, so an entry is never added to a map that was just unlinked; every change
 * must go through these methods to keep that true.
 */
public final class PresenceMaps {

  private PresenceMaps() {}

  /** Adds or replaces {@code entry} under {@code channel}. */
  public static void put(
      ConcurrentHashMap<String, Map<String, PresenceEntry>> presence,
      String channel,
      PresenceEntry entry) {
    presence.compute(
        channel,
        (k, m) -> {
          Map<String, PresenceEntry> entries = m == null ? new ConcurrentHashMap<>() : m;
          entries.put(entry.connectionId(), entry);
          return entries;
        });
  }

  /**
   * Removes the entry of {@code connectionId} under {@code channel}, and the channel once empty.
   *
   * @return whether there was such an entry
   */
  public static boolean remove(
      ConcurrentHashMap<String, Map<String, PresenceEntry>> presence,
      String channel,
      String connectionId) {
    boolean[] removed = {false};
    presence.computeIfPresent(
        channel,
        (k, m) -> {
          removed[0] = m.remove(connectionId) != null;
          return m.isEmpty() ? null : m;
        });
    return removed[0];
  }
}
