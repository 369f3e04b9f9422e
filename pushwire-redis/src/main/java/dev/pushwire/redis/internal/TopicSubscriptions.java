package dev.pushwire.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.Event;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The broker's pub/sub side: one pub/sub connection and the topics it is subscribed to.
 *
 * <p>Through a Redis Cluster on Redis 7 or later it uses sharded pub/sub ({@code SSUBSCRIBE},
 * {@code SPUBLISH}): a topic then lives on the master of its slot only, and Lettuce subscribes on
 * that master's connection, so a publication crosses no cluster bus and each master carries only
 * its own slots' traffic. Older clusters fall back to plain pub/sub, which every master broadcasts
 * to every other. One server or Sentinel uses plain pub/sub, as it always did.
 */
public final class TopicSubscriptions {
  private static final Logger log = LoggerFactory.getLogger(TopicSubscriptions.class);

  /** What arrives on the connection. Called on Lettuce's I/O thread. */
  public interface Handler {
    /** A message on {@code topic}. */
    void message(String topic, byte[] message);

    /** Redis confirmed a subscription to {@code topic}, first or again after a reconnect. */
    void subscribed(String topic);
  }

  private static final int RESUBSCRIBE_ATTEMPTS = 20;
  private static final long RESUBSCRIBE_DELAY_MILLIS = 50;

  private final StatefulRedisPubSubConnection<String, byte[]> connection;
  private final boolean sharded;
  private final ScheduledExecutorService timer;
  private final Set<String> topics = ConcurrentHashMap.newKeySet();
  private final Disposable topologyWatch;
  private volatile boolean closed;

  /**
   * Over {@code connector}'s pub/sub {@code connection}; {@code sharded} for sharded pub/sub, which
   * then subscribes again itself after a master's connection comes back (see {@link Resubscriber})
   * and when a channel's slot moves to another master (a failover, a resharding).
   */
  public TopicSubscriptions(
      RedisConnector connector,
      StatefulRedisPubSubConnection<String, byte[]> connection,
      boolean sharded) {
    this.connection = connection;
    this.sharded = sharded;
    this.timer = connector.resources().eventExecutorGroup();
    if (sharded) {
      connector.client().addListener(new Resubscriber());
      // Lettuce moves a shard channel's subscription nowhere when its slot changes master: its
      // subscription stays on the connection to the old one, dead or no longer serving the slot.
      this.topologyWatch = connector.resources().eventBus().get().subscribe(this::onEvent);
    } else {
      this.topologyWatch = null;
    }
  }

  private void onEvent(Event event) {
    if (closed || !(event instanceof ClusterTopologyChangedEvent change)) {
      return;
    }
    for (String topic : topics) {
      int slot = SlotHash.getSlot(topic);
      if (!Objects.equals(masterOf(change.before(), slot), masterOf(change.after(), slot))) {
        resubscribe(topic, 0);
      }
    }
  }

  private static String masterOf(List<RedisClusterNode> nodes, int slot) {
    for (RedisClusterNode n : nodes) {
      if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && n.hasSlot(slot)) {
        return n.getUri().getHost() + ":" + n.getUri().getPort();
      }
    }
    return null;
  }

  /**
   * Whether the servers behind a cluster's {@code commands} have sharded pub/sub (Redis 7 or
   * later); {@code false} for one server or Sentinel, which keep plain pub/sub.
   */
  public static boolean shardedAvailable(
      RedisConnector connector, CommandConnection commands, long timeoutMillis) {
    if (!connector.isCluster()) {
      return false;
    }
    try {
      String info = commands.async().info("server").get(timeoutMillis, TimeUnit.MILLISECONDS);
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("redis_version:")) {
          String v = line.substring("redis_version:".length()).trim();
          return Integer.parseInt(v.substring(0, v.indexOf('.'))) >= 7;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      // A cluster that cannot say its version now: plain pub/sub works on every version.
      return false;
    }
  }

  /** Whether topics are shard channels. */
  public boolean sharded() {
    return sharded;
  }

  /** The command the publish script sends publications with. */
  public String publishCommand() {
    return sharded ? "SPUBLISH" : "PUBLISH";
  }

  /** Routes what arrives to {@code handler}. */
  public void listen(Handler handler) {
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String topic, byte[] message) {
            handler.message(topic, message);
          }

          @Override
          public void smessage(String topic, byte[] message) {
            handler.message(topic, message);
          }

          @Override
          public void subscribed(String topic, long count) {
            handler.subscribed(topic);
          }

          @Override
          public void ssubscribed(String topic, long count) {
            handler.subscribed(topic);
          }
        });
  }

  /** Subscribes to {@code topic}; completes when Redis confirmed it. */
  public CompletionStage<Void> subscribe(String topic) {
    topics.add(topic);
    return sharded ? connection.async().ssubscribe(topic) : connection.async().subscribe(topic);
  }

  /** Unsubscribes from {@code topic}; completes when Redis confirmed it. */
  public CompletionStage<Void> unsubscribe(String topic) {
    topics.remove(topic);
    return sharded ? connection.async().sunsubscribe(topic) : connection.async().unsubscribe(topic);
  }

  /** Whether the connection is up. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /** Closes the connection. */
  public void close() {
    closed = true;
    if (topologyWatch != null) {
      topologyWatch.dispose();
    }
    connection.close();
  }

  /**
   * Subscribes again to the shard channels of a master whose connection came back. Lettuce would do
   * it in one {@code SSUBSCRIBE} with all of them, which Redis refuses ({@code CROSSSLOT}) as soon
   * as two are in different slots: without this, a node would stay deaf to a master's channels
   * after any reconnect to it. Each channel is subscribed on its own, and again after a while if
   * the connection is not ready yet.
   */
  private final class Resubscriber implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
      if (closed || c == connection || !(c instanceof StatefulRedisPubSubConnection)) {
        return;
      }
      for (String topic : topics) {
        if (mayLiveAt(topic, address)) {
          resubscribe(topic, 0);
        }
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
      // empty adapter method: only connections that come back matter
    }
  }

  private void resubscribe(String topic, int attempt) {
    timer.schedule(
        () -> {
          if (closed || !topics.contains(topic)) {
            return;
          }
          connection
              .async()
              .ssubscribe(topic)
              .whenComplete(
                  (v, e) -> {
                    if (e != null && attempt + 1 < RESUBSCRIBE_ATTEMPTS) {
                      resubscribe(topic, attempt + 1);
                    } else if (e != null) {
                      log.warn("Could not subscribe again to {}: {}", topic, e.getMessage());
                    }
                  });
        },
        RESUBSCRIBE_DELAY_MILLIS << Math.min(attempt, 4),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Whether {@code topic}'s master may be at {@code address}: compared by port only, since the slot
   * map may name a host other than the address connected to; a channel subscribed again where it
   * already was costs only a history read.
   */
  private boolean mayLiveAt(String topic, SocketAddress address) {
    if (!(address instanceof InetSocketAddress at)
        || !(connection instanceof StatefulRedisClusterPubSubConnection<?, ?> cluster)) {
      return true;
    }
    RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(topic));
    return master == null || master.getUri().getPort() == at.getPort();
  }
}
