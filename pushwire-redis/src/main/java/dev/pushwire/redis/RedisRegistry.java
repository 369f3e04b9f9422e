package dev.pushwire.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import dev.pushwire.hub.spi.BackendHealth;
import dev.pushwire.hub.spi.RecordCodec;
import dev.pushwire.hub.spi.Registry;
import dev.pushwire.redis.internal.CommandConnection;
import dev.pushwire.redis.internal.ConnectionHealth;
import dev.pushwire.redis.internal.LuaScript;
import dev.pushwire.redis.internal.NodeRecords;
import dev.pushwire.redis.internal.RedisCalls;
import dev.pushwire.redis.internal.RedisConnector;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Registry} on Redis: every node's connections and presence, with TTL heartbeats.
 *
 * <h2>Keys</h2>
 *
 * With {@code P} the {@linkplain RedisConfig#keyPrefix() key prefix} and {@code N} a node id:
 *
 * <ul>
 *   <li>{@code P reg:nodes}: a sorted set of node ids, scored by their last write or refresh; the
 *       index that reads go through, so that nothing ever scans keys.
 *   <li>{@code P reg:node:{N}:conns}: a hash from connection id to the record, as JSON.
 *   <li>{@code P reg:node:{N}:presence:channel}: a hash from connection id to the presence entry.
 *   <li>{@code P reg:node:{N}:channels}: the set of channels node N has presence entries in.
 * </ul>
 *
 * Every key of node {@code N} expires {@link RedisConfig#registryTtl()} after its last write or
 * {@link #refresh()}, so the records of a node that died vanish by themselves; {@link #removeNode}
 * deletes exactly node {@code N}'s keys. Each operation is one Lua script, one atomic step. Through
 * a Redis Cluster the prefix is {@code P {registry}:}, so that all of these keys share one slot
 * (one master): the scripts that list connections and presence read every node's keys.
 *
 * <h2>Failures</h2>
 *
 * Calls fail fast with {@link ErrorCode#UNAVAILABLE} while Redis is unreachable. The registry keeps
 * a copy of the records it wrote; when {@link #refresh()} finds Redis holds fewer of them than it
 * should (Redis restarted, was flushed, or the records expired during an outage), it writes them
 * all again. It refreshes as soon as its connection to Redis is back, so a restarted Redis has the
 * records again within moments rather than at the next periodic refresh.
 */
public final class RedisRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(RedisRegistry.class);
  private static final LuaScript SCRIPT = LuaScript.load("registry.lua");
  private static final int RECONNECT_REFRESH_ATTEMPTS = 8;
  private static final long RECONNECT_REFRESH_DELAY_MILLIS = 100;
  private static final Comparator<ConnectionRecord> BY_CONNECTED_AT =
      Comparator.comparing(ConnectionRecord::connectedAt).thenComparing(ConnectionRecord::id);
  private static final Comparator<PresenceEntry> BY_SUBSCRIBED_AT =
      Comparator.comparing(PresenceEntry::subscribedAt).thenComparing(PresenceEntry::connectionId);

  private final RedisConfig config;
  private final RedisConnector connector;
  private final CommandConnection connection;

  /**
   * The prefix the script builds keys from. Through a cluster it carries a hash tag, so that every
   * registry key is in one slot: the scripts read and write several nodes' keys and the node index
   * at once, which a cluster allows only within a slot.
   */
  private final String scriptPrefix;

  /** The script's one declared key (the node index), which routes it in a cluster. */
  private final String[] scriptKeys;

  private final BackendHealth health;
  private final ConcurrentHashMap<String, NodeRecords> written = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private RedisRegistry(RedisConfig config, ClientResources resources) {
    this.config = config;
    this.connector = RedisConnector.of(config, resources);
    this.scriptPrefix =
        connector.isCluster() ? config.keyPrefix() + "{registry}:" : config.keyPrefix();
    this.scriptKeys = new String[] {scriptPrefix + "reg:nodes"};
    try {
      this.connection = connector.connect();
    } catch (RuntimeException e) {
      connector.close();
      throw e;
    }
    this.health =
        new BackendHealth(
            log,
            "Redis registry of node " + config.nodeId() + " at " + config.address(),
            config.errorLogInterval(),
            connection::isOpen);
    // Redis may have lost the records while the connection was down (a restart without
    // persistence): check at once rather than at the next refresh.
    connector
        .client()
        .addListener(new ConnectionHealth(health, () -> closed, () -> refreshAfterReconnect(0)));
  }

  /**
   * Connects to the Redis in {@code config} with resources of its own.
   *
   * @throws HubException with {@code UNAVAILABLE} if Redis cannot be reached
   */
  public static RedisRegistry connect(RedisConfig config) {
    return connect(config, null);
  }

  /**
   * Connects to the Redis in {@code config}: with several shards, to the first.
   *
   * @param resources Lettuce's resources to share, or {@code null} to make small ones of its own
   * @throws HubException with {@code UNAVAILABLE} if Redis cannot be reached
   */
  public static RedisRegistry connect(RedisConfig config, ClientResources resources) {
    // Sharded: the registry is not, it stays on the first shard.
    return new RedisRegistry(Objects.requireNonNull(config, "config").shards().get(0), resources);
  }

  @Override
  public CompletionStage<Void> register(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    written
        .computeIfAbsent(record.nodeId(), k -> new NodeRecords())
        .records
        .put(record.id(), record);
    return op(
            "register " + record.id(),
            "register",
            record.nodeId(),
            ttl(),
            record.id(),
            json(record))
        .thenApply(r -> null);
  }

  @Override
  public CompletionStage<Void> unregister(ConnectionRecord record) {
    Objects.requireNonNull(record, "record");
    Set<String> channels = new LinkedHashSet<>(record.channels());
    NodeRecords mine = written.get(record.nodeId());
    if (mine != null) {
      ConnectionRecord stored = mine.records.remove(record.id());
      if (stored != null) {
        channels.addAll(stored.channels());
      }
      channels.addAll(mine.removeAllPresence(record.id()));
    }
    List<String> args = new ArrayList<>(List.of("unregister", scriptPrefix));
    args.add(record.nodeId());
    args.add(record.id());
    args.addAll(channels);
    return run("unregister " + record.id(), args).thenApply(r -> null);
  }

  @Override
  public CompletionStage<Void> addPresence(String channel, PresenceEntry entry) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(entry, "entry");
    written.computeIfAbsent(entry.nodeId(), k -> new NodeRecords()).addPresence(channel, entry);
    return op(
            "add presence on " + channel,
            "add",
            entry.nodeId(),
            ttl(),
            channel,
            entry.connectionId(),
            RecordCodec.write(entry))
        .thenApply(r -> null);
  }

  @Override
  public CompletionStage<Void> removePresence(String channel, String connectionId) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(connectionId, "connectionId");
    String node = nodeOf(connectionId);
    NodeRecords mine = written.get(node);
    if (mine != null) {
      mine.removePresence(channel, connectionId);
    }
    return op("remove presence on " + channel, "remove", node, channel, connectionId)
        .thenApply(r -> null);
  }

  @Override
  public CompletionStage<List<PresenceEntry>> presence(String channel) {
    Objects.requireNonNull(channel, "channel");
    return op("read presence of " + channel, "presence", channel)
        .thenApply(
            r -> {
              List<PresenceEntry> out = new ArrayList<>();
              for (Object o : (List<?>) r) {
                out.add(RecordCodec.readEntry(text(o)));
              }
              out.sort(BY_SUBSCRIBED_AT);
              return out;
            });
  }

  @Override
  public CompletionStage<PresenceStats> presenceStats(String channel) {
    return presence(channel).thenApply(PresenceStats::of);
  }

  @Override
  public CompletionStage<List<ConnectionRecord>> connections() {
    return op("list connections", "connections")
        .thenApply(
            r -> {
              List<ConnectionRecord> out = new ArrayList<>();
              for (Object o : (List<?>) r) {
                out.add(RecordCodec.readRecord(text(o)));
              }
              out.sort(BY_CONNECTED_AT);
              return out;
            });
  }

  @Override
  public CompletionStage<Integer> connectionCount() {
    return op("count connections", "count").thenApply(r -> ((Long) r).intValue());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Extends the lifetime of the keys of this node and of every node this registry wrote records
   * for, and writes those records again if Redis lost any of them.
   */
  @Override
  public CompletionStage<Void> refresh() {
    Set<String> nodes = new LinkedHashSet<>();
    nodes.add(config.nodeId());
    nodes.addAll(written.keySet());
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String node : nodes) {
      all.add(
          op("refresh node " + node, "refresh", node, ttl(), ttl())
              .thenCompose(r -> restoreIfLost(node, (List<?>) r)));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** After a reconnect: refresh, retrying for a while (Redis may still be loading its data). */
  private void refreshAfterReconnect(int attempt) {
    refresh()
        .whenComplete(
            (v, e) -> {
              if (e != null && !closed && attempt < RECONNECT_REFRESH_ATTEMPTS) {
                CompletableFuture.delayedExecutor(
                        RECONNECT_REFRESH_DELAY_MILLIS << Math.min(attempt, 4),
                        java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> refreshAfterReconnect(attempt + 1));
              }
            });
  }

  private CompletionStage<Void> restoreIfLost(String node, List<?> stored) {
    NodeRecords mine = written.get(node);
    if (mine == null) {
      return CompletableFuture.completedFuture(null);
    }
    long records = (Long) stored.get(0);
    long entries = (Long) stored.get(1);
    int expectedRecords = mine.records.size();
    int expectedEntries = mine.presenceCount();
    if (records == expectedRecords && entries == expectedEntries) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode state = RecordCodec.object();
    ObjectNode recordsJson = state.putObject("records");
    mine.records.forEach((id, r) -> recordsJson.put(id, json(r)));
    ObjectNode presenceJson = state.putObject("presence");
    mine.presence.forEach(
        (channel, m) -> {
          if (!m.isEmpty()) {
            ObjectNode c = presenceJson.putObject(channel);
            m.forEach((id, e) -> c.put(id, RecordCodec.write(e)));
          }
        });
    return op("restore node " + node, "restore", node, ttl(), state.toString())
        .thenRun(
            () ->
                log.warn(
                    "Redis registry at {}: node {} had {} of {} records and {} of {} presence"
                        + " entries (Redis restarted, was flushed, or they expired);"
                        + " wrote them again",
                    config.address(),
                    node,
                    records,
                    expectedRecords,
                    entries,
                    expectedEntries));
  }

  @Override
  public CompletionStage<Void> removeNode(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    written.remove(nodeId);
    return op("remove node " + nodeId, "removeNode", nodeId).thenApply(r -> null);
  }

  /** Whether Redis is reachable: connected and no call failed in the last seconds. */
  public boolean isAvailable() {
    return !closed && health.isAvailable();
  }

  /** The last error talking to Redis, or {@code null} if there was none. */
  public String lastError() {
    return health.lastError();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      connection.close();
    } finally {
      connector.close();
    }
  }

  @Override
  public String toString() {
    return "RedisRegistry{" + config.address() + ", node=" + config.nodeId() + '}';
  }

  // ---- internals ----------------------------------------------------------------------------

  private CompletableFuture<Object> op(String what, String op, String... args) {
    List<String> all = new ArrayList<>(args.length + 2);
    all.add(op);
    all.add(scriptPrefix);
    all.addAll(List.of(args));
    return run(what, all);
  }

  private CompletableFuture<Object> run(String what, List<String> args) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.UNAVAILABLE, "the Redis registry is closed"));
    }
    byte[][] bytes = new byte[args.size()][];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = args.get(i).getBytes(StandardCharsets.UTF_8);
    }
    ScriptOutputType type =
        switch (args.get(0)) {
          case "count" -> ScriptOutputType.INTEGER;
          case "connections", "presence", "refresh" -> ScriptOutputType.MULTI;
          default -> ScriptOutputType.INTEGER;
        };
    Supplier<CompletionStage<Object>> command =
        () -> SCRIPT.run(connection.async(), type, scriptKeys, bytes);
    return RedisCalls.call(health, config, what, command);
  }

  private String ttl() {
    return Long.toString(config.registryTtl().toMillis());
  }

  private static String json(ConnectionRecord r) {
    return RecordCodec.write(r);
  }

  private static String text(Object bulk) {
    return new String((byte[]) bulk, StandardCharsets.UTF_8);
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
}
