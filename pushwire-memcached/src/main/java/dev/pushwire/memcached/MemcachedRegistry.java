package dev.pushwire.memcached;

import dev.pushwire.hub.BackendHealth;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.Registry;
import dev.pushwire.hub.spi.RecordCodec;
import dev.pushwire.memcached.internal.NodeIndex;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedClientStateListener;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.transcoders.StringTranscoder;
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
 * and rewrites a whole bucket from it, on one writer thread. Writes are coalesced: a burst of
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
 */
public final class MemcachedRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(MemcachedRegistry.class);
  private static final int CAS_ATTEMPTS = 64;
  private static final int RECONNECT_REFRESH_ATTEMPTS = 10;
  private static final Comparator<ConnectionRecord> BY_CONNECTED_AT =
      Comparator.comparing(ConnectionRecord::connectedAt).thenComparing(ConnectionRecord::id);
  private static final Comparator<PresenceEntry> BY_SUBSCRIBED_AT =
      Comparator.comparing(PresenceEntry::subscribedAt).thenComparing(PresenceEntry::connectionId);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final MemcachedConfig config;
  private final Clock clock;
  private final MemcachedClient client;
  private final BackendHealth health;
  private final ExecutorService writer;
  private final ExecutorService readers;
  private final int ttlSeconds;
  private final String indexKey;
  private final ConcurrentHashMap<String, NodeState> nodes = new ConcurrentHashMap<>();
  private final Object flushLock = new Object();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private boolean flushScheduled;
  private volatile boolean closed;

  private MemcachedRegistry(MemcachedConfig config, Clock clock) throws IOException {
    this.config = config;
    this.clock = clock;
    this.ttlSeconds = (int) config.ttl().toSeconds();
    this.indexKey = config.keyPrefix() + "nodes";
    this.health =
        new BackendHealth(
            log,
            "Memcached registry of node " + config.nodeId() + " at " + config.address(),
            config.errorLogInterval(),
            this::allServersConnected);
    List<InetSocketAddress> servers = new ArrayList<>();
    for (InetSocketAddress s : config.servers()) {
      servers.add(new InetSocketAddress(s.getHostString(), s.getPort()));
    }
    XMemcachedClientBuilder builder = new XMemcachedClientBuilder(servers);
    builder.setName("pushwire-" + config.nodeId());
    builder.setSessionLocator(new KetamaMemcachedSessionLocator());
    builder.setTranscoder(new StringTranscoder());
    builder.setOpTimeout(config.operationTimeout().toMillis());
    builder.setConnectTimeout(config.operationTimeout().toMillis());
    builder.setEnableHealSession(true);
    builder.setHealSessionInterval(config.reconnectInterval().toMillis());
    builder.setConnectionPoolSize(1);
    builder.setFailureMode(false);
    builder.addStateListener(new ConnectionLog());
    this.client = builder.build();
    int n = INSTANCES.incrementAndGet();
    this.writer = Executors.newSingleThreadExecutor(daemon("pushwire-memcached-writer-" + n));
    this.readers = Executors.newFixedThreadPool(2, daemon("pushwire-memcached-reader-" + n));
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
    try {
      return new MemcachedRegistry(config, clock);
    } catch (IOException e) {
      throw new HubException(
          ErrorCode.UNAVAILABLE,
          "cannot set up the Memcached client for " + config.address() + ": " + e.getMessage(),
          e);
    }
  }

  // ---- writes: change the local copy, mark the bucket, flush on the writer thread ------------

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    NodeState s = state(record.nodeId());
    s.putRecord(record);
    return flush();
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    NodeState s = nodes.get(record.nodeId());
    if (s == null) {
      return CompletableFuture.completedFuture(null);
    }
    s.removeRecord(record.id());
    return flush();
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(entry, "entry");
    state(entry.nodeId()).addPresence(channel, entry);
    return flush();
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(connectionId, "connectionId");
    NodeState s = nodes.get(nodeOf(connectionId));
    if (s == null || !s.removePresence(channel, connectionId)) {
      return CompletableFuture.completedFuture(null);
    }
    return flush();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Records this registry's nodes' heartbeats in the index, extends the lifetime of their keys,
   * and writes again every key that Memcached lost (restart, eviction, expiry during an outage).
   */
  @Override
  public CompletionStage<Void> refresh() {
    return onWriter(
        "refresh",
        () -> {
          refreshNow();
          return null;
        });
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return onWriter(
        "remove node " + nodeId,
        () -> {
          NodeState mine = nodes.remove(nodeId);
          int[] buckets = {mine != null ? mine.buckets : config.buckets()};
          updateIndex(
              index -> {
                NodeIndex.Node n = index.nodes().get(nodeId);
                if (n != null) {
                  buckets[0] = n.buckets();
                }
                return index.remove(nodeId);
              });
          for (int i = 0; i < buckets[0]; i++) {
            client.delete(connsKey(nodeId, i));
            client.delete(presenceKey(nodeId, i));
          }
          client.delete(metaKey(nodeId));
          return null;
        });
  }

  // ---- reads: through the index, one multi-get ----------------------------------------------

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return onReader(
        "list connections",
        () -> {
          List<String> keys = new ArrayList<>();
          readIndex().nodes().forEach((id, n) -> addBucketKeys(keys, id, n.buckets()));
          List<ConnectionRecord> out = new ArrayList<>();
          for (String json : getAll(keys).values()) {
            out.addAll(RecordCodec.readRecords(json));
          }
          out.sort(BY_CONNECTED_AT);
          return out;
        });
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return onReader(
        "count connections",
        () -> {
          List<String> keys = new ArrayList<>();
          readIndex().nodes().keySet().forEach(id -> keys.add(metaKey(id)));
          int n = 0;
          for (String json : getAll(keys).values()) {
            n += NodeIndex.readMetaCount(json);
          }
          return n;
        });
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    Objects.requireNonNull(channel, "channel");
    return onReader(
        "read presence of " + channel,
        () -> {
          List<String> keys = new ArrayList<>();
          readIndex()
              .nodes()
              .forEach((id, n) -> keys.add(presenceKey(id, bucketOf(channel, n.buckets()))));
          List<PresenceEntry> out = new ArrayList<>();
          for (String json : getAll(keys).values()) {
            out.addAll(RecordCodec.readPresence(json, channel));
          }
          out.sort(BY_SUBSCRIBED_AT);
          return out;
        });
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return presence(channel).thenApply(PresenceStats::of);
  }

  // ---- health and lifecycle -----------------------------------------------------------------

  /** Whether every server is connected and no call failed in the last seconds. */
  public boolean isAvailable() {
    return !closed && health.isAvailable();
  }

  /** The last error talking to Memcached, or {@code null} if there was none. */
  public String lastError() {
    return health.lastError();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writer.shutdown();
    readers.shutdown();
    try {
      writer.awaitTermination(config.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.shutdownNow();
    readers.shutdownNow();
    try {
      client.shutdown();
    } catch (IOException e) {
      log.debug("Closing the Memcached client failed", e);
    }
  }

  @Override
  public String toString() {
    return "MemcachedRegistry{" + config.address() + ", node=" + config.nodeId() + '}';
  }

  // ---- the writer thread --------------------------------------------------------------------

  /** A flush that includes every change made before this call. */
  private CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (flushLock) {
      waiting.add(done);
      if (!flushScheduled) {
        flushScheduled = true;
        try {
          writer.execute(this::flushNow);
        } catch (RejectedExecutionException e) {
          flushScheduled = false;
          waiting.remove(done);
          done.completeExceptionally(closedException());
        }
      }
    }
    return done;
  }

  private void flushNow() {
    List<CompletableFuture<Void>> batch;
    synchronized (flushLock) {
      batch = waiting;
      waiting = new ArrayList<>();
      flushScheduled = false;
    }
    try {
      for (NodeState s : nodes.values()) {
        writeDirty(s);
      }
      health.succeeded();
      batch.forEach(f -> f.complete(null));
    } catch (Exception e) {
      HubException h = failure(e, "write records");
      batch.forEach(f -> f.completeExceptionally(h));
    }
  }

  /** On the writer thread: writes what changed for node {@code s}; leaves it marked on failure. */
  private void writeDirty(NodeState s) throws Exception {
    List<Integer> conns = s.takeDirtyConns();
    for (int k = 0; k < conns.size(); k++) {
      int i = conns.get(k);
      try {
        String key = connsKey(s.nodeId, i);
        Map<String, ConnectionRecord> bucket = s.records.get(i);
        if (bucket.isEmpty()) {
          client.delete(key);
        } else {
          set(key, RecordCodec.writeRecords(List.copyOf(bucket.values())));
        }
      } catch (Exception e) {
        s.dirtyConns.addAll(conns.subList(k, conns.size()));
        throw e;
      }
    }
    List<Integer> presence = s.takeDirtyPresence();
    for (int k = 0; k < presence.size(); k++) {
      int j = presence.get(k);
      try {
        String key = presenceKey(s.nodeId, j);
        Map<String, List<PresenceEntry>> bucket = s.presenceBucket(j);
        if (bucket.isEmpty()) {
          client.delete(key);
        } else {
          set(key, RecordCodec.writePresence(bucket));
        }
      } catch (Exception e) {
        s.dirtyPresence.addAll(presence.subList(k, presence.size()));
        throw e;
      }
    }
    if (s.dirtyMeta) {
      s.dirtyMeta = false;
      try {
        set(metaKey(s.nodeId), NodeIndex.writeMeta(s.recordCount()));
      } catch (Exception e) {
        s.dirtyMeta = true;
        throw e;
      }
    }
    if (!s.indexed) {
      long now = clock.millis();
      updateIndex(
          index -> {
            index.put(s.nodeId, now, s.buckets);
            return true;
          });
      s.indexed = true;
    }
  }

  /** On the writer thread: heartbeat, touch, and write again whatever Memcached lost. */
  private void refreshNow() throws Exception {
    if (nodes.isEmpty()) {
      return;
    }
    try {
      long now = clock.millis();
      updateIndex(
          index -> {
            for (NodeState s : nodes.values()) {
              index.put(s.nodeId, now, s.buckets);
            }
            index.prune(now - 2 * config.ttl().toMillis());
            return true;
          });
      for (NodeState s : nodes.values()) {
        s.indexed = true;
        int lost = 0;
        for (int i = 0; i < s.buckets; i++) {
          if (!s.records.get(i).isEmpty() && !s.dirtyConns.contains(i)) {
            if (!client.touch(connsKey(s.nodeId, i), ttlSeconds)) {
              s.dirtyConns.add(i);
              lost++;
            }
          }
        }
        for (int j : s.presenceBuckets()) {
          if (!s.dirtyPresence.contains(j) && !client.touch(presenceKey(s.nodeId, j), ttlSeconds)) {
            s.dirtyPresence.add(j);
            lost++;
          }
        }
        if (!s.dirtyMeta && !client.touch(metaKey(s.nodeId), ttlSeconds)) {
          s.dirtyMeta = true;
          lost++;
        }
        int rewrite = s.dirtyConns.size() + s.dirtyPresence.size() + (s.dirtyMeta ? 1 : 0);
        writeDirty(s);
        if (lost > 0) {
          log.warn(
              "Memcached registry at {}: {} keys of node {} were missing (Memcached restarted or"
                  + " evicted them); wrote {} keys again, with its {} connections",
              config.address(),
              lost,
              s.nodeId,
              rewrite,
              s.recordCount());
        }
      }
      health.succeeded();
    } catch (Exception e) {
      throw failure(e, "refresh");
    }
  }

  /**
   * On the writer thread: applies {@code change} to the index with a gets/cas loop; {@code change}
   * returns whether it changed anything.
   */
  private void updateIndex(java.util.function.Predicate<NodeIndex> change) throws Exception {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      GetsResponse<String> current = client.gets(indexKey);
      NodeIndex index = NodeIndex.parse(current == null ? null : current.getValue());
      if (!change.test(index)) {
        return;
      }
      boolean written =
          current == null
              ? client.add(indexKey, 0, index.toJson())
              : client.cas(indexKey, 0, index.toJson(), current.getCas());
      if (written) {
        return;
      }
      // Another node wrote in between: read again, after a short random pause.
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
    }
    throw new HubException(
        ErrorCode.UNAVAILABLE,
        "could not update the node index in Memcached at "
            + config.address()
            + " after "
            + CAS_ATTEMPTS
            + " attempts: too many nodes writing it at once");
  }

  private void set(String key, String value) throws Exception {
    if (!client.set(key, ttlSeconds, value)) {
      throw new MemcachedException("Memcached did not store " + key);
    }
  }

  private <T> CompletableFuture<T> onWriter(String what, Task<T> task) {
    return submit(writer, what, task);
  }

  private <T> CompletableFuture<T> onReader(String what, Task<T> task) {
    return submit(readers, what, task);
  }

  private <T> CompletableFuture<T> submit(ExecutorService executor, String what, Task<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(task.run());
            } catch (Exception e) {
              result.completeExceptionally(failure(e, what));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  /** {@code e} as a {@link HubException}; an outage is recorded in the health (and logged). */
  private HubException failure(Exception e, String what) {
    HubException h;
    if (e instanceof HubException already) {
      h = already;
    } else if (e instanceof TimeoutException) {
      h =
          new HubException(
              ErrorCode.UNAVAILABLE,
              "Memcached at "
                  + config.address()
                  + " did not answer within "
                  + config.operationTimeout().toMillis()
                  + " ms",
              e);
    } else if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      h = new HubException(ErrorCode.UNAVAILABLE, "interrupted talking to Memcached", e);
    } else if (e instanceof MemcachedException || e instanceof IOException) {
      h =
          new HubException(
              ErrorCode.UNAVAILABLE,
              "Memcached at " + config.address() + " is unreachable: " + e.getMessage(),
              e);
    } else {
      h =
          new HubException(
              ErrorCode.INTERNAL, "the Memcached registry failed to " + what + ": " + e, e);
    }
    if (h.code() == ErrorCode.UNAVAILABLE) {
      health.failed(h);
    }
    return h;
  }

  private HubException closedException() {
    return new HubException(ErrorCode.UNAVAILABLE, "the Memcached registry is closed");
  }

  private NodeIndex readIndex() throws Exception {
    return NodeIndex.parse(client.get(indexKey));
  }

  private Map<String, String> getAll(List<String> keys) throws Exception {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<String, String> values = client.get(keys);
    health.succeeded();
    return values == null ? Map.of() : values;
  }

  private void addBucketKeys(List<String> keys, String nodeId, int buckets) {
    for (int i = 0; i < buckets; i++) {
      keys.add(connsKey(nodeId, i));
    }
  }

  private boolean allServersConnected() {
    return client.getAvailableServers().size() >= config.servers().size();
  }

  private NodeState state(String nodeId) {
    return nodes.computeIfAbsent(nodeId, id -> new NodeState(id, config.buckets()));
  }

  private String connsKey(String nodeId, int bucket) {
    return config.keyPrefix() + "node:" + nodeId + ":conns:" + bucket;
  }

  private String presenceKey(String nodeId, int bucket) {
    return config.keyPrefix() + "node:" + nodeId + ":presence:" + bucket;
  }

  private String metaKey(String nodeId) {
    return config.keyPrefix() + "node:" + nodeId + ":meta";
  }

  /** The bucket of a record id or channel name; the same in every JVM (String.hashCode). */
  static int bucketOf(String s, int buckets) {
    return Math.floorMod(s.hashCode(), buckets);
  }

  /** The node of a cluster-wide connection id {@code nodeId:connectionId}. */
  private static String nodeOf(String connectionId) {
    int i = connectionId.lastIndexOf(':');
    if (i <= 0) {
      throw new IllegalArgumentException(
          "not a cluster-wide connection id (nodeId:connectionId): " + connectionId);
    }
    return connectionId.substring(0, i);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A blocking Memcached task. */
  @FunctionalInterface
  private interface Task<T> {
    T run() throws Exception;
  }

  /** Logs lost and restored connections; a restored one triggers a refresh that re-registers. */
  private final class ConnectionLog implements MemcachedClientStateListener {
    private final Set<InetSocketAddress> lost = ConcurrentHashMap.newKeySet();

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
      if (lost.remove(address) && !closed) {
        // Memcached may have restarted empty: write this node's records again now, not at the
        // next refresh. The client makes the connection usable just after this call, so wait a
        // moment, and try again a few times if the refresh still fails.
        refreshAfterReconnect(1);
      }
    }

    private void refreshAfterReconnect(int attempt) {
      Executor later =
          CompletableFuture.delayedExecutor(
              config.reconnectInterval().toMillis() * attempt, TimeUnit.MILLISECONDS);
      CompletableFuture.runAsync(() -> {}, later)
          .thenCompose(v -> refresh())
          .whenComplete(
              (v, e) -> {
                if (e != null && attempt < RECONNECT_REFRESH_ATTEMPTS && !closed) {
                  refreshAfterReconnect(attempt + 1);
                }
              });
    }

    @Override
    public void onDisconnected(MemcachedClient c, InetSocketAddress address) {
      if (!closed) {
        lost.add(address);
        health.disconnected(address);
      }
    }

    @Override
    public void onException(MemcachedClient c, Throwable error) {
      // Deliberately empty: failed calls report their own errors.
    }
  }

  /** What this registry wrote for one node: the copy it rewrites buckets from. */
  private static final class NodeState {
    final String nodeId;
    final int buckets;
    final List<ConcurrentHashMap<String, ConnectionRecord>> records;
    // channel -> (connection id -> entry); inner maps change only inside the outer compute.
    final ConcurrentHashMap<String, Map<String, PresenceEntry>> presence =
        new ConcurrentHashMap<>();
    final Set<Integer> dirtyConns = ConcurrentHashMap.newKeySet();
    final Set<Integer> dirtyPresence = ConcurrentHashMap.newKeySet();
    volatile boolean dirtyMeta = true; // written with the node's first flush, then on changes
    volatile boolean indexed;

    NodeState(String nodeId, int buckets) {
      this.nodeId = nodeId;
      this.buckets = buckets;
      List<ConcurrentHashMap<String, ConnectionRecord>> r = new ArrayList<>(buckets);
      for (int i = 0; i < buckets; i++) {
        r.add(new ConcurrentHashMap<>());
      }
      this.records = List.copyOf(r);
    }

    void putRecord(ConnectionRecord r) {
      int i = bucketOf(r.id(), buckets);
      records.get(i).put(r.id(), r);
      dirtyConns.add(i);
      dirtyMeta = true;
    }

    void removeRecord(String id) {
      int i = bucketOf(id, buckets);
      records.get(i).remove(id);
      dirtyConns.add(i);
      dirtyMeta = true;
      for (String channel : presence.keySet()) {
        removePresence(channel, id);
      }
    }

    void addPresence(String channel, PresenceEntry entry) {
      presence.compute(
          channel,
          (k, m) -> {
            Map<String, PresenceEntry> entries = m == null ? new ConcurrentHashMap<>() : m;
            entries.put(entry.connectionId(), entry);
            return entries;
          });
      dirtyPresence.add(bucketOf(channel, buckets));
    }

    boolean removePresence(String channel, String connectionId) {
      boolean[] removed = {false};
      presence.computeIfPresent(
          channel,
          (k, m) -> {
            removed[0] = m.remove(connectionId) != null;
            return m.isEmpty() ? null : m;
          });
      if (removed[0]) {
        dirtyPresence.add(bucketOf(channel, buckets));
      }
      return removed[0];
    }

    int recordCount() {
      int n = 0;
      for (var m : records) {
        n += m.size();
      }
      return n;
    }

    Map<String, List<PresenceEntry>> presenceBucket(int j) {
      Map<String, List<PresenceEntry>> out = new LinkedHashMap<>();
      presence.forEach(
          (channel, m) -> {
            if (bucketOf(channel, buckets) == j && !m.isEmpty()) {
              out.put(channel, List.copyOf(m.values()));
            }
          });
      return out;
    }

    Set<Integer> presenceBuckets() {
      Set<Integer> out = new HashSet<>();
      presence.forEach(
          (channel, m) -> {
            if (!m.isEmpty()) {
              out.add(bucketOf(channel, buckets));
            }
          });
      return out;
    }

    List<Integer> takeDirtyConns() {
      return take(dirtyConns);
    }

    List<Integer> takeDirtyPresence() {
      return take(dirtyPresence);
    }

    private static List<Integer> take(Set<Integer> dirty) {
      List<Integer> taken = new ArrayList<>(dirty);
      dirty.removeAll(taken);
      return taken;
    }
  }
}
