package dev.pushwire.core.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts open connections per remote IP address and refuses one more beyond a limit. An address
 * with no connection has no entry, so the table holds only addresses that are connected now.
 */
final class AddressQuota {
  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  /** A quota of {@code max} connections per address; 0 means no limit. */
  AddressQuota(int max) {
    this.max = max;
  }

  /** Whether the limit applies at all. */
  boolean enabled() {
    return max > 0;
  }

  /** Takes one connection for {@code address}; false (and nothing taken) when it has max. */
  boolean tryAcquire(InetAddress address) {
    if (max <= 0) {
      return true;
    }
    boolean[] taken = {false};
    open.compute(
        address,
        (a, n) -> {
          int count = n == null ? 0 : n;
          if (count >= max) {
            return n;
          }
          taken[0] = true;
          return count + 1;
        });
    return taken[0];
  }

  /** Gives back one connection of {@code address}. */
  void release(InetAddress address) {
    if (max <= 0) {
      return;
    }
    open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections open from {@code address} (0 when untracked). */
  int count(InetAddress address) {
    return open.getOrDefault(address, 0);
  }
}
