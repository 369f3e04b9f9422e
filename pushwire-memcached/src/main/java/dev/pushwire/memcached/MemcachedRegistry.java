package dev.pushwire.memcached;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.spi.Registry;
import dev.pushwire.memcached.internal.KeepAlive;
import dev.pushwire.memcached.internal.Listing;
import dev.pushwire.memcached.internal.MemcachedStore;
import dev.pushwire.memcached.internal.NodeWriter;
import dev.pushwire.memcached.internal.ReconnectListener;
import dev.pushwire.memcached.internal.RegistryHealth;
import dev.pushwire.memcached.internal.RegistryThreads;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Registry} in Memcached, shared by every node that lists the same servers.
 *
 * <h2>Keys</h2>
 *
 * Memcached cannot list its keys reliably, so reads go through an index. With {@code P} the
 * {@linkplain MemcachedConfig#keyPrefix() key prefix}, {@code N} a node id and {@code B} its bucket
 * count:
 *
 * <ul>
 *   <li>{@code P nodes}: the node index, {@code {"N":{"hb":millis,"buckets":B},...}}. Every node
 *       changes it with a gets/cas loop (read, change, write only if nobody wrote in between,
 *       otherwise read again), so concurrent joins, heartbeats and leaves from several nodes are
 *       never lost. It never expires; entries whose heartbeat is older than twice the TTL are
 *       pruned by whoever writes next.
 *   <li>{@code P node:N:conns:i}, {@code i < B}: a JSON array of node N's records whose id hashes
 *       to bucket {@code i}.
 *   <li>{@code P node:N:presence:j}: a JSON object from channel to presence entries, for the
 *       channels that hash to bucket {@code j}.
 *   <li>{@code P node:N:meta}: {@code {"count":C}}, node N's number of connections.
 * </ul>
 *
 * Only node N writes its own keys, so they need no CAS: the registry keeps a copy of what it wrote
 * and rewrites a whole bucket from it, one write at a time. Writes are coalesced: a burst of
 * connections costs one write per changed bucket. Every key of node N expires after {@link
 * MemcachedConfig#ttl()} unless {@link #refresh()} touches it, so a dead node's records vanish by
 * themselves; {@link #removeNode} deletes exactly node N's keys and index entry.
 *
 * <p>Listing reads the index and then every bucket of every node in one multi-get; counting reads
 * the index and the meta keys; presence reads one bucket per node.
 *
 * <h2>Failures</h2>
 *
 * While Memcached is unreachable, operations fail at once (or after {@link
 * MemcachedConfig#operationTimeout()}) with {@link ErrorCode#UNAVAILABLE}, the outage is logged
 * once per {@link MemcachedConfig#errorLogInterval()}, and {@link #isAvailable()} says so. What
 * could not be written stays marked; when Memcached is back (a reconnect, or the next {@link
 * #refresh()}), every key that is missing or unwritten is written again from the local copy.
 *
 * <h2>Threads</h2>
 *
 * Memcached calls block, so they run on a scheduled pool: at most one write and two reads at a
 * time, and the refreshes after a reconnect. A pool passed to {@link #connect(MemcachedConfig,
 * Clock, ScheduledExecutorService)} is the caller's, which {@link #close()} leaves running; without
 * one, the registry makes its own and shuts it down on close. XMemcached's own I/O threads belong
 * to the client, which the registry always makes and closes.
 */
public final class MemcachedRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(MemcachedRegistry.class);

  private final MemcachedConfig config;
  private final RegistryHealth health;
  private final RegistryThreads threads;
  private final MemcachedStore store;
  private final NodeWriter writer;
  private final KeepAlive keepAlive;
  private final Listing listing;

  private MemcachedRegistry(
      MemcachedConfig config, Clock clock, Function<RegistryHealth, RegistryThreads> threadsFor)
      throws IOException {
    this.config = config;
    this.health = new RegistryHealth(log, config, this::allServersConnected);
    this.threads = threadsFor.apply(health);
    try {
      this.store =
          MemcachedStore.connect(
              config,
              new ReconnectListener(health, config.reconnectInterval(), threads, this::refresh));
    } catch (IOException | RuntimeException e) {
      threads.close(Duration.ZERO);
      throw e;
    }
    this.writer = new NodeWriter(config.buckets(), clock, store, health, threads);
    this.keepAlive = new KeepAlive(log, config, clock, store, health, writer);
    this.listing = new Listing(store, health);
  }

  /**
   * A registry on the servers in {@code config}. Does not wait for them: when they cannot be
   * reached yet, calls fail with {@code UNAVAILABLE} until they can.
   *
   * @throws HubException with {@code UNAVAILABLE} if the client cannot be set up
   */
  public static MemcachedRegistry connect(MemcachedConfig config) {
    return connect(config, Clock.systemUTC());
  }

  /**
   * A registry on the servers in {@code config} that reads heartbeat times from {@code clock}.
   *
   * @throws HubException with {@code UNAVAILABLE} if the client cannot be set up
   */
  public static MemcachedRegistry connect(MemcachedConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    return connect(config, clock, RegistryThreads::owned);
  }

  /**
   * A registry on the servers in {@code config} that runs its Memcached calls on {@code executor},
   * which stays the caller's: {@link #close()} does not shut it down. At most three of its threads
   * are busy with this registry at a time.
   *
   * @param executor must not be {@code null}; shut it down after closing the registry
   * @throws HubException with {@code UNAVAILABLE} if the client cannot be set up
   */
  public static MemcachedRegistry connect(
      MemcachedConfig config, Clock clock, ScheduledExecutorService executor) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(executor, "executor");
    return connect(config, clock, h -> RegistryThreads.shared(executor, h));
  }

  private static MemcachedRegistry connect(
      MemcachedConfig config, Clock clock, Function<RegistryHealth, RegistryThreads> threads) {
    try {
      return new MemcachedRegistry(config, clock, threads);
    } catch (IOException e) {
      throw new HubException(
          ErrorCode.UNAVAILABLE,
          "cannot set up the Memcached client for " + config.address() + ": " + e.getMessage(),
          e);
    }
  }

  // ---- writes: change the local copy, mark the bucket, flush on the writer ------------------

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    return writer.register(record);
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    return writer.unregister(record);
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(entry, "entry");
    return writer.addPresence(channel, entry);
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(connectionId, "connectionId");
    return writer.removePresence(channel, connectionId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Records this registry's nodes' heartbeats in the index, extends the lifetime of their keys,
   * and writes again every key that Memcached lost (restart, eviction, expiry during an outage).
   */
  @Override
  public CompletionStage<Void> refresh() {
    return threads.onWriter(
        "refresh",
        () -> {
          keepAlive.refresh();
          return null;
        });
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return threads.onWriter(
        "remove node " + nodeId,
        () -> {
          writer.removeNode(nodeId);
          return null;
        });
  }

  // ---- reads: through the index, one multi-get ----------------------------------------------

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return threads.onReader("list connections", listing::connections);
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return threads.onReader("count connections", listing::connectionCount);
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    Objects.requireNonNull(channel, "channel");
    return threads.onReader("read presence of " + channel, () -> listing.presence(channel));
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return presence(channel).thenApply(PresenceStats::of);
  }

  // ---- health and lifecycle -----------------------------------------------------------------

  /** Whether every server is connected and no call failed in the last seconds. */
  public boolean isAvailable() {
    return !threads.isClosed() && health.isAvailable();
  }

  /** The last error talking to Memcached, or {@code null} if there was none. */
  public String lastError() {
    return health.lastError();
  }

  /**
   * Lets the pending writes finish for at most the operation timeout, then closes the client, and
   * the thread pool if the registry made it.
   */
  @Override
  public void close() {
    if (threads.isClosed()) {
      return;
    }
    threads.close(config.operationTimeout());
    try {
      store.shutdown();
    } catch (IOException e) {
      log.debug("Closing the Memcached client failed", e);
    }
  }

  @Override
  public String toString() {
    return "MemcachedRegistry{" + config.address() + ", node=" + config.nodeId() + '}';
  }

  private boolean allServersConnected() {
    return store.allServersConnected();
  }
}
