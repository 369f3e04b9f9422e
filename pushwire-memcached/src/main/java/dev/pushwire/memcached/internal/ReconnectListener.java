package dev.pushwire.memcached.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedClientStateListener;

/**
 * Records lost and restored connections in the registry's health; a restored one triggers a
 * refresh, which writes this node's records again.
 */
public final class ReconnectListener implements MemcachedClientStateListener {
  private static final int REFRESH_ATTEMPTS = 10;

  private final RegistryHealth health;
  private final Duration reconnectInterval;
  private final RegistryThreads threads;
  private final Supplier<CompletionStage<Void>> refresh;
  private final Set<InetSocketAddress> lost = ConcurrentHashMap.newKeySet();

  /**
   * @param refresh starts the registry's refresh
   */
  public ReconnectListener(
      RegistryHealth health,
      Duration reconnectInterval,
      RegistryThreads threads,
      Supplier<CompletionStage<Void>> refresh) {
    this.health = health;
    this.reconnectInterval = reconnectInterval;
    this.threads = threads;
    this.refresh = refresh;
  }

  @Override
  public void onStarted(MemcachedClient c) {
    // Deliberately empty: nothing to report.
  }

  @Override
  public void onShutDown(MemcachedClient c) {
    // Deliberately empty: close() shut it down.
  }

  @Override
  public void onConnected(MemcachedClient c, InetSocketAddress address) {
    health.reconnected(address);
    if (lost.remove(address) && !closed()) {
      // Memcached may have restarted empty: write this node's records again now, not at the
      // next refresh. The client makes the connection usable just after this call, so wait a
      // moment, and try again a few times if the refresh still fails.
      refreshAfterReconnect(1);
    }
  }

  private void refreshAfterReconnect(int attempt) {
    threads.later(
        reconnectInterval.multipliedBy(attempt),
        () ->
            refresh
                .get()
                .whenComplete(
                    (v, e) -> {
                      if (e != null && attempt < REFRESH_ATTEMPTS && !closed()) {
                        refreshAfterReconnect(attempt + 1);
                      }
                    }));
  }

  @Override
  public void onDisconnected(MemcachedClient c, InetSocketAddress address) {
    if (!closed()) {
      lost.add(address);
      health.disconnected(address);
    }
  }

  @Override
  public void onException(MemcachedClient c, Throwable error) {
    // Deliberately empty: failed calls report their own errors.
  }

  private boolean closed() {
    return threads.isClosed();
  }
}
