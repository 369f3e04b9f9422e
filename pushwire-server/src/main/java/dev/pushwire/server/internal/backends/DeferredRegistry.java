package dev.pushwire.server.internal.backends;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.spi.Registry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Stands in for a registry whose server could not be reached when the node started. Until {@link
 * Backends} hands it the real registry ({@link #offer}), this node's writes are kept in a {@link
 * MemoryRegistry} and reads fail at once with {@link ErrorCode#UNAVAILABLE}; on {@link #offer} the
 * kept records and presence entries are written to the real registry, and from then on every call
 * goes to it. This object then owns the real registry.
 *
 * <p>Writes and the hand-over are issued under one lock, so a write is never overtaken by the
 * replay of an older state of the same record.
 */
final class DeferredRegistry implements Registry {
  private final String description;
  private final MemoryRegistry kept = new MemoryRegistry();
  private final Object lock = new Object();
  private volatile Registry delegate;
  private volatile String lastError;
  private boolean closed;

  /**
   * @param description what the registry is, for messages: {@code Redis at redis://host:6379}
   * @param firstError why the first connection attempt failed
   */
  DeferredRegistry(String description, String firstError) {
    this.description = description;
    this.lastError = firstError;
  }

  /**
   * Takes {@code registry} as the real one and writes this node's kept records to it.
   *
   * @return false if this stand-in is closed; the caller then closes {@code registry}
   */
  boolean offer(Registry registry) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      List<ConnectionRecord> records = kept.connections().toCompletableFuture().join();
      Set<String> channels = new LinkedHashSet<>();
      for (ConnectionRecord r : records) {
        registry.register(r);
        channels.addAll(r.channels());
      }
      for (String channel : channels) {
        for (PresenceEntry e : kept.presence(channel).toCompletableFuture().join()) {
          registry.addPresence(channel, e);
        }
      }
      delegate = registry;
      kept.close();
      return true;
    }
  }

  /** Records why the last connection attempt failed. */
  void failed(String error) {
    lastError = error;
  }

  /** The real registry, or {@code null} while there is none yet. */
  Registry delegate() {
    return delegate;
  }

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    return write(r -> r.register(record));
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    return write(r -> r.unregister(record));
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    return write(r -> r.addPresence(channel, entry));
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    return write(r -> r.removePresence(channel, connectionId));
  }

  @Override
  public CompletionStage<Void> refresh() {
    Registry r = delegate;
    return r == null ? CompletableFuture.completedFuture(null) : r.refresh();
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    return write(r -> r.removeNode(nodeId));
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    return read("presence of " + channel, r -> r.presence(channel));
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return read("presence of " + channel, r -> r.presenceStats(channel));
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return read("list connections", Registry::connections);
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return read("count connections", Registry::connectionCount);
  }

  @Override
  public boolean isAvailable() {
    Registry r = delegate;
    return r != null && r.isAvailable();
  }

  @Override
  public String lastError() {
    Registry r = delegate;
    return r == null ? lastError : r.lastError();
  }

  @Override
  public void close() {
    Registry r;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      r = delegate;
    }
    if (r != null) {
      r.close();
    }
  }

  @Override
  public String toString() {
    Registry r = delegate;
    return r != null ? r.toString() : "DeferredRegistry{" + description + ", not connected}";
  }

  /** To the real registry, or, while there is none, to the kept copy. */
  private CompletionStage<Void> write(Function<Registry, CompletionStage<Void>> op) {
    Registry r = delegate;
    if (r != null) {
      return op.apply(r);
    }
    synchronized (lock) {
      r = delegate;
      return op.apply(r != null ? r : kept);
    }
  }

  private <T> CompletionStage<T> read(String what, Function<Registry, CompletionStage<T>> op) {
    Registry r = delegate;
    if (r != null) {
      return op.apply(r);
    }
    return CompletableFuture.failedFuture(
        new HubException(
            ErrorCode.UNAVAILABLE,
            description
                + " has not been reachable since this node started, cannot "
                + what
                + ": "
                + lastError
                + " (the node keeps trying)"));
  }
}
