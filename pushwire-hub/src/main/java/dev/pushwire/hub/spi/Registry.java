package dev.pushwire.hub.spi;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Connections and presence as every node sees them. Asynchronous and safe to call from any thread.
 * {@link MemoryRegistry} is the single-node implementation.
 *
 * <p>Each node writes only its own records. A shared implementation must make a node's records
 * expire when the node stops calling {@link #refresh()} (it died), and {@link #removeNode} must
 * remove exactly one node's records, never another's.
 *
 * <p>Registry failures must not stop a node from serving: the hub logs them and goes on.
 */
public interface Registry extends AutoCloseable {

  /** Stores {@code record}, replacing an earlier record with the same id. */
  CompletionStage<Void> register(ConnectionRecord record);

  /** Removes {@code record}'s connection and its presence entries. */
  CompletionStage<Void> unregister(ConnectionRecord record);

  /** Records that {@code entry}'s connection is subscribed to {@code channel}. */
  CompletionStage<Void> addPresence(String channel, PresenceEntry entry);

  /** Records that connection {@code connectionId} (cluster-wide id) left {@code channel}. */
  CompletionStage<Void> removePresence(String channel, String connectionId);

  /** Who is subscribed to {@code channel}, ordered by subscription time. */
  CompletionStage<List<PresenceEntry>> presence(String channel);

  /** How many connections and distinct users are subscribed to {@code channel}. */
  CompletionStage<PresenceStats> presenceStats(String channel);

  /** Every registered connection on every node, ordered by connection time. */
  CompletionStage<List<ConnectionRecord>> connections();

  /** The number of registered connections on every node. */
  CompletionStage<Integer> connectionCount();

  /**
   * Extends the lifetime of this node's records; the hub calls it every {@link
   * HubConfig#registryRefreshInterval()}. A no-op for registries without expiry.
   */
  CompletionStage<Void> refresh();

  /** Removes every record and presence entry of node {@code nodeId}, and only those. */
  CompletionStage<Void> removeNode(String nodeId);

  /**
   * Whether calls can be expected to succeed now: the registry's server is reachable. For readiness
   * checks and stats; the memory registry always is.
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * What last went wrong talking to the registry's server, or {@code null} if nothing did. Says why
   * {@link #isAvailable()} is false.
   */
  default String lastError() {
    return null;
  }

  /** Releases the registry's resources. Idempotent. */
  @Override
  void close();
}
