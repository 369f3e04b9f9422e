package dev.pushwire.server.internal.metrics;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.spi.Registry;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Registry} that counts the failed calls of the one it wraps for {@link NodeMetrics}, and
 * otherwise passes everything through unchanged.
 */
final class MeteredRegistry extends MeteredBackend<Registry> implements Registry {
  MeteredRegistry(Registry delegate, NodeMetrics metrics) {
    super(
        delegate,
        metrics,
        NodeMetrics.REGISTRY,
        new Passthrough(delegate::isAvailable, delegate::lastError, delegate::close));
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
}
