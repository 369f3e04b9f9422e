package dev.pushwire.redis;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.spi.BackendHealth;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.hub.spi.NodeMessageListener;
import dev.pushwire.redis.internal.ChannelTracker;
import dev.pushwire.redis.internal.CommandConnection;
import dev.pushwire.redis.internal.ConnectionHealth;
import dev.pushwire.redis.internal.KeySpace;
import dev.pushwire.redis.internal.RedisCalls;
import dev.pushwire.redis.internal.RedisConnector;
import dev.pushwire.redis.internal.RedisErrors;
import dev.pushwire.redis.internal.StreamScripts;
import dev.pushwire.redis.internal.TopicRouter;
import dev.pushwire.redis.internal.TopicSubscriptions;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Broker} on Redis, for several nodes sharing one Redis server, a Sentinel-watched master
 * or a Redis Cluster.
 *
 * <h2>Keys and topics</h2>
 *
 * With {@code P} the {@linkplain RedisConfig#keyPrefix() key prefix} ({@code pushwire:}):
 *
 * <ul>
 *   <li>{@code P meta:{channel}}: a hash with the channel's {@code epoch}, {@code top} offset and
 *       history {@code ttl}; expires {@link PublishOptions#historyMetaTtl()} after the last
 *       publication. When it is gone, the next publish or read starts a new epoch with a random
 *       value and drops any history left, so lost offsets are never reused in an old epoch. A read
 *       of a channel without one makes it (top 0), so that the reader's position stays valid for
 *       the channel's first publications, but only for {@link RedisConfig#streamMetaTtl()} (a
 *       minute): readers of random channel names leave nothing lasting in Redis. A node subscribed
 *       to such a channel keeps it for as long as it is (every third of that ttl), so that its
 *       subscribers' epoch does not change under them however long the channel stays quiet.
 *   <li>{@code P history:{channel}}: a list of publications, newest first, trimmed to {@link
 *       PublishOptions#historySize()} and {@link PublishOptions#historyTtl()}.
 *   <li>{@code P ch:channel}: the pub/sub topic publications are sent to; this node subscribes to
 *       it only while the hub has {@linkplain #subscribe subscribed} it.
 *   <li>{@code P node:nodeId}: this node's own topic, for {@link #sendToNode}.
 * </ul>
 *
 * Through a Redis Cluster the topics are {@code P ch:{channel}} and {@code P node:{nodeId}}, and
 * sharded pub/sub carries them on Redis 7 and later (see {@link KeySpace} and {@link
 * TopicSubscriptions}).
 *
 * <p>A publish is one Lua script ({@code EVALSHA}, falling back to {@code EVAL}): it assigns the
 * offset, appends to and trims the history, refreshes the TTLs and {@code PUBLISH}es the
 * publication, all in one atomic step, so that a publication is in history before any node gets it
 * and topics carry each channel's publications in offset order.
 *
 * <h2>Failures</h2>
 *
 * Lettuce reconnects by itself and subscribes the pub/sub connection to its topics again. What a
 * node missed meanwhile it reads from history and delivers in order, once (see {@link
 * ChannelTracker}). While Redis cannot be reached, calls fail at once (or after {@link
 * RedisConfig#commandTimeout()}) with a {@link HubException} whose code is {@link
 * ErrorCode#UNAVAILABLE}; {@link #isAvailable()} and {@link #lastError()} report it.
 *
 * <h2>Sentinel, Cluster and failover</h2>
 *
 * With a {@code redis-sentinel://} URI Lettuce asks the sentinels for the master on every
 * (re)connection, and with {@code redis-cluster://} it follows the cluster's slot map, so after a
 * failover the broker talks to the promoted replica by itself. Redis replicates asynchronously: the
 * promoted replica may lack a stream's last publications, which were accepted and maybe delivered.
 * Going on in the same epoch would hand their offsets to new publications, which subscribers that
 * saw the old ones would drop as duplicates. So the publish script starts a new epoch (and
 * subscribers are told of the gap) when the stream is behind the last position this node delivered
 * on it, and, through Sentinel or a cluster without {@link RedisConfig#waitReplicas()}, when the
 * stream was last written under another replication id ({@code master_replid}): the server it is on
 * now was promoted since, and whether it has everything cannot be known. With {@code waitReplicas}
 * a publication is accepted only once replicas have it, so a promoted replica that acknowledged
 * holds every accepted one.
 *
 * <p>Publication times, and so history ages, come from this node's clock: keep nodes' clocks in
 * sync (NTP).
 */
public final class RedisBroker implements NodeLinkedBroker {
  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
  private static final long MIN_KEEP_PERIOD_MILLIS = 50;

  private final RedisConfig config;
  private final RedisConnector connector;
  private final CommandConnection commands;
  private final TopicSubscriptions pubsub;
  private final StreamScripts scripts;
  private final BackendHealth health;
  private final KeySpace keys;
  private final TopicRouter router;
  private final ConcurrentHashMap<String, ChannelTracker> trackers = new ConcurrentHashMap<>();

  private volatile BrokerListener listener;
  private volatile ScheduledFuture<?> keeper;
  private volatile boolean closed;

  private RedisBroker(RedisConfig config, ClientResources resources, Clock clock) {
    this.config = config;
    this.connector = RedisConnector.of(config, resources);
    this.keys = new KeySpace(config.keyPrefix(), connector.isCluster());
    CommandConnection c = null;
    try {
      c = connector.connect();
      this.commands = c;
      boolean sharded =
          TopicSubscriptions.shardedAvailable(
              connector, c, config.commandTimeout().toMillis() + 500);
      this.pubsub = new TopicSubscriptions(connector, connector.connectPubSub(), sharded);
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      connector.close();
      throw e;
    }
    // Through Sentinel or a cluster without waitReplicas: a stream last written before a failover
    // starts a new epoch, since the promoted replica may lack its last publications.
    boolean newEpochOnFailover =
        (config.isSentinel() || config.isCluster()) && config.waitReplicas() == 0;
    this.scripts =
        new StreamScripts(commands, keys, clock, pubsub.publishCommand(), newEpochOnFailover);
    this.router =
        new TopicRouter(keys, keys.nodeTopic(config.nodeId()), trackers::get, pubsub::unsubscribe);
    this.health =
        new BackendHealth(
            log,
            "Redis broker of node " + config.nodeId() + " at " + config.address(),
            config.errorLogInterval(),
            () -> commands.isOpen() && pubsub.isOpen());
    connector.client().addListener(new ConnectionHealth(health, () -> closed, () -> {}));
  }

  /**
   * Connects to the Redis in {@code config}, with resources of its own and the system clock.
   *
   * @throws HubException with {@code UNAVAILABLE} if Redis cannot be reached
   */
  public static RedisBroker connect(RedisConfig config) {
    return connect(config, null, Clock.systemUTC());
  }

  /**
   * Connects to the Redis in {@code config}.
   *
   * @param resources Lettuce's event loops and timers to share, or {@code null} to make (and on
   *     {@link #close()} shut down) small ones of its own
   * @param clock where publication times and history ages come from; must not be {@code null}
   * @throws HubException with {@code UNAVAILABLE} if Redis cannot be reached
   * @throws IllegalArgumentException if {@code config} has several shards (see {@link
   *     RedisBrokers})
   */
  public static RedisBroker connect(RedisConfig config, ClientResources resources, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    if (config.isSharded()) {
      throw new IllegalArgumentException("several shards: connect with RedisBrokers.connect");
    }
    return new RedisBroker(config, resources, clock);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also subscribes to this node's own topic, waiting up to the command timeout.
   *
   * @throws HubException with {@code UNAVAILABLE} if that subscription fails
   */
  @Override
  public void start(BrokerListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("RedisBroker already started");
      }
      this.listener = listener;
    }
    pubsub.listen(router);
    long period = Math.max(MIN_KEEP_PERIOD_MILLIS, config.streamMetaTtl().toMillis() / 3);
    keeper =
        connector
            .resources()
            .eventExecutorGroup()
            .scheduleAtFixedRate(this::keepQuietChannels, period, period, TimeUnit.MILLISECONDS);
    try {
      pubsub
          .subscribe(router.nodeTopic())
          .toCompletableFuture()
          .get(config.commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException(ErrorCode.UNAVAILABLE, "interrupted while subscribing", e);
    } catch (Exception e) {
      throw RedisErrors.toHubException(
          e, "subscribe to " + router.nodeTopic(), config.address(), config.commandTimeout());
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    ChannelTracker tracker = trackers.get(channel);
    StreamPosition seen = tracker == null ? null : tracker.last();
    return call(
        "publish on " + channel,
        () ->
            scripts
                .publish(channel, data, options, seen)
                .thenCompose(
                    r ->
                        scripts.awaitReplicas(
                            r, config.waitReplicas(), config.waitTimeout(), config.address())));
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(options, "options");
    StreamPosition since = options.since();
    return call(
        "history of " + channel,
        () -> scripts.history(channel, since, options.limit(), config.streamMetaTtl().toMillis()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes when Redis confirmed the subscription to the channel's topic.
   */
  @Override
  public CompletionStage<Void> subscribe(String channel) {
    Objects.requireNonNull(channel, "channel");
    ChannelTracker tracker =
        new ChannelTracker(
            channel,
            since -> history(channel, HistoryOptions.since(since, HistoryOptions.NO_LIMIT)),
            p -> deliver(channel, p),
            last -> reportGap(channel, last));
    ChannelTracker old = trackers.put(channel, tracker);
    if (old != null) {
      old.close();
    }
    return call("subscribe to " + channel, () -> pubsub.subscribe(keys.channelTopic(channel)))
        .thenCompose(
            v ->
                // Where the stream stood once subscribed: if the connection drops before the next
                // publication, the tracker knows where to fill from.
                history(channel, HistoryOptions.top())
                    .thenAccept(top -> tracker.baseline(top.top())))
        .whenComplete(
            (v, e) -> {
              if (e != null && trackers.remove(channel, tracker)) {
                tracker.close();
              }
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes when Redis confirmed it, or at once if Redis cannot be reached: locally the
   * channel is then unsubscribed anyway, and the topic is dropped after the reconnect.
   */
  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    Objects.requireNonNull(channel, "channel");
    ChannelTracker tracker = trackers.get(channel);
    CompletableFuture<Void> done = new CompletableFuture<>();
    call("unsubscribe from " + channel, () -> pubsub.unsubscribe(keys.channelTopic(channel)))
        .whenComplete(
            (v, e) -> {
              // Removed only now: what was published before the unsubscription still arrives.
              if (tracker != null && trackers.remove(channel, tracker)) {
                tracker.close();
              }
              done.complete(null);
            });
    return done;
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    Objects.requireNonNull(channel, "channel");
    return call(
        "remove history of " + channel,
        () -> scripts.removeHistory(channel).thenApply(n -> (Void) null));
  }

  /**
   * Sends {@code message} to node {@code nodeId}'s {@link NodeMessageListener}, for example to push
   * to a connection that lives there. At most once; nothing is stored.
   *
   * @return how many nodes received it: 0 when no node with that id is connected to Redis
   */
  @Override
  public CompletionStage<Long> sendToNode(String nodeId, byte[] message) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(message, "message");
    String topic = keys.nodeTopic(nodeId);
    return call(
        "send to node " + nodeId,
        () ->
            pubsub.sharded()
                ? commands.async().spublish(topic, message)
                : commands.async().publish(topic, message));
  }

  @Override
  public RedisBroker onNodeMessage(NodeMessageListener listener) {
    router.nodeListener(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  @Override
  public String nodeId() {
    return config.nodeId();
  }

  /** Whether Redis is reachable: both connections up and no call failed in the last seconds. */
  @Override
  public boolean isAvailable() {
    return !closed && health.isAvailable();
  }

  /** The last error talking to Redis, or {@code null} if there was none. */
  @Override
  public String lastError() {
    return health.lastError();
  }

  @Override
  public List<String> subscribedChannels() {
    List<String> out = new ArrayList<>(trackers.keySet());
    Collections.sort(out);
    return out;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    listener = null;
    ScheduledFuture<?> k = keeper;
    if (k != null) {
      k.cancel(false);
    }
    trackers.values().forEach(ChannelTracker::close);
    trackers.clear();
    try {
      pubsub.close();
      commands.close();
    } finally {
      connector.close();
    }
  }

  @Override
  public String toString() {
    return "RedisBroker{"
        + config.address()
        + ", node="
        + config.nodeId()
        + ", subscribed="
        + trackers.size()
        + '}';
  }

  // ---- internals ----------------------------------------------------------------------------

  private <T> CompletableFuture<T> call(
      String what, Supplier<? extends CompletionStage<T>> command) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.UNAVAILABLE, "the Redis broker is closed"));
    }
    return RedisCalls.call(health, config, what, command);
  }

  /**
   * Keeps the streams of the subscribed channels that have had no publication since this node
   * subscribed (those that had one keep theirs for the history meta ttl after it).
   */
  private void keepQuietChannels() {
    if (closed) {
      return;
    }
    long ttl = config.streamMetaTtl().toMillis();
    trackers.forEach(
        (channel, tracker) -> {
          StreamPosition last = tracker.last();
          if (last == null || last.offset() == 0) { // nothing published yet in its epoch
            // Fire and forget: a failure is recorded in health, and the next round tries again.
            call("keep the position of " + channel, () -> scripts.keep(channel, ttl));
          }
        });
  }

  private void deliver(String channel, Publication p) {
    BrokerListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.onPublication(channel, p);
    } catch (RuntimeException e) {
      log.error("Broker listener failed on channel {} offset {}", channel, p.offset(), e);
    }
  }

  private void reportGap(String channel, StreamPosition last) {
    BrokerListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.onGap(channel, last);
    } catch (RuntimeException e) {
      log.error("Broker listener failed on a gap on channel {}", channel, e);
    }
  }
}
