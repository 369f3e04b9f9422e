package dev.pushwire.server.internal;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Registry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link Registry} that counts the failed calls of the one it wraps for {@link NodeMetrics}, and
 * otherwise passes everything through unchanged.
 */
final class MeteredRegistry implements Registry {
  private final Registry delegate;
  private final NodeMetrics metrics;

  MeteredRegistry(Registry delegate, NodeMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    return call(() -> delegate.register(record));
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    return call(() -> delegate.unregister(record));
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    return call(() -> delegate.addPresence(channel, entry));
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    return call(() -> delegate.removePresence(channel, connectionId));
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    return call(() -> delegate.presence(channel));
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return call(() -> delegate.presenceStats(channel));
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return call(delegate::connections);
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return call(delegate::connectionCount);
  }

  @Override
  public CompletionStage<Void> refresh() {
    return call(delegate::refresh);
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    return call(() -> delegate.removeNode(nodeId));
  }

  @Override
  public boolean isAvailable() {
    return delegate.isAvailable();
  }

  @Override
  public String lastError() {
    return delegate.lastError();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The registry this one measures. */
  Registry delegate() {
    return delegate;
  }

  private <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    return metrics.counted(NodeMetrics.REGISTRY, call);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
