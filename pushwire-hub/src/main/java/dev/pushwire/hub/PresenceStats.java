package dev.pushwire.hub;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts of who is subscribed to a channel.
 *
 * @param connections subscribed connections
 * @param users distinct known users among them (connections without a user are not counted)
 */
public record PresenceStats(int connections, int users) {
  /** The counts of {@code entries}, one channel's presence. */
  public static PresenceStats of(Collection<PresenceEntry> entries) {
    Set<String> users = new HashSet<>();
    for (PresenceEntry e : entries) {
      if (e.user() != null) {
        users.add(e.user());
      }
    }
    return new PresenceStats(entries.size(), users.size());
  }
}
