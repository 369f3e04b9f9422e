package dev.pushwire.redis.internal;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.spi.PresenceMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the Redis registry wrote for one node: the copy it restores from when Redis lost it. */
public final class NodeRecords {
  public final ConcurrentHashMap<String, ConnectionRecord> records = new ConcurrentHashMap<>();
  // channel -> (connection id -> entry); inner maps change only inside the outer compute.
  public final ConcurrentHashMap<String, Map<String, PresenceEntry>> presence =
      new ConcurrentHashMap<>();

  public void addPresence(String channel, PresenceEntry entry) {
    PresenceMaps.put(presence, channel, entry);
  }

  public void removePresence(String channel, String connectionId) {
    PresenceMaps.remove(presence, channel, connectionId);
  }

  /** Removes every presence entry of a connection; returns their channels. */
  public List<String> removeAllPresence(String connectionId) {
    List<String> channels = new ArrayList<>();
    for (String channel : presence.keySet()) {
      presence.computeIfPresent(
          channel,
          (k, m) -> {
            if (m.remove(connectionId) != null) {
              channels.add(channel);
            }
            return m.isEmpty() ? null : m;
          });
    }
    return channels;
  }

  public int presenceCount() {
    int n = 0;
    for (Map<String, PresenceEntry> m : presence.values()) {
      n += m.size();
    }
    return n;
  }
}
