package dev.pushwire.hub.internal;

import dev.pushwire.core.TimerHandle;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.spi.Registry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Registry} in step with this node: each connection's record, each subscription's
 * presence entry, the periodic refresh that keeps them from expiring, and the node's removal when
 * the hub closes. A write that fails is logged (throttled) and otherwise ignored: presence and
 * listings may lag while the registry is down, but delivery goes on.
 */
final class RegistrySync {
  private static final Logger log = LoggerFactory.getLogger(RegistrySync.class);
  private static final Duration PROBLEM_LOG_INTERVAL = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Registry registry;
  private final Delivery delivery;
  private final String nodeId;
  private final Duration refreshInterval;
  private final ThrottledLog problems =
      new ThrottledLog(log, "Registry write", PROBLEM_LOG_INTERVAL);
  private final AtomicBoolean refreshStarted = new AtomicBoolean();
  private volatile TimerHandle refreshTimer;

  RegistrySync(Registry registry, Delivery delivery, String nodeId, Duration refreshInterval) {
    this.registry = registry;
    this.delivery = delivery;
    this.nodeId = nodeId;
    this.refreshInterval = refreshInterval;
  }

  /** Writes {@code c}'s record as things stand; call while holding {@code c}'s monitor. */
  void register(LocalConnection c) {
    write(() -> registry.register(c.record()));
  }

  /** Removes {@code c}'s record; call while holding {@code c}'s monitor. */
  void unregister(LocalConnection c) {
    write(() -> registry.unregister(c.record()));
  }

  /** Records {@code sub} in its channel's presence; later removals wait for this write. */
  void addPresence(Subscription sub) {
    LocalConnection c = sub.connection;
    CompletableFuture<Void> w =
        write(
                () ->
                    registry.addPresence(
                        sub.channel,
                        new PresenceEntry(c.globalId, c.user, c.nodeId, sub.subscribedAt)))
            .toCompletableFuture();
    // A write already done (write() never fails) needs no future of its own per subscription.
    sub.presenceWrite = w.isDone() ? Subscription.DONE : w;
  }

  /** Removes the presence entry once its write is done, so the two cannot be reordered. */
  CompletionStage<Void> removePresenceAfter(Subscription sub) {
    String gid = sub.connection.globalId;
    return sub.presenceWrite.thenCompose(
        v -> write(() -> registry.removePresence(sub.channel, gid)));
  }

  /** Starts the periodic refresh, once: called as connections open. */
  void startRefresh() {
    if (refreshStarted.compareAndSet(false, true)) {
      try {
        refreshTimer = delivery.every(refreshInterval, () -> write(registry::refresh));
      } catch (IllegalStateException e) {
        // The server began to stop as this first connection opened: it closes the connection
        // with 1001 itself, and there is nothing left to refresh.
        refreshStarted.set(false);
        log.debug("Registry refresh not started: {}", e.getMessage());
      }
    }
  }

  /** Stops the refresh and removes this node's records, waiting a bounded time for the registry. */
  void stop() {
    TimerHandle timer = refreshTimer;
    if (timer != null) {
      timer.cancel();
    }
    try {
      registry
          .removeNode(nodeId)
          .toCompletableFuture()
          .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while removing node {} from the registry", nodeId);
    } catch (Exception e) {
      log.warn("Removing node {} from the registry failed", nodeId, Futures.unwrap(e));
    }
  }

  private CompletionStage<Void> write(Supplier<CompletionStage<Void>> write) {
    return Futures.call(write, "registry")
        .exceptionally(
            e -> {
              problems.warn(e);
              return null;
            });
  }
}
