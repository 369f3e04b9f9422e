package dev.pushwire.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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
  /** What arrives on the connection. Called on Lettuce's I/O thread. */
  public interface Handler {
    /** A message on {@code topic}. */
    void message(String topic, byte[] message);

    /** Redis confirmed a subscription to {@code topic}, first or again after a reconnect. */
    void subscribed(String topic);
  }

  private final StatefulRedisPubSubConnection<String, byte[]> connection;
  private final boolean sharded;

  /** Over {@code connection}; {@code sharded} for sharded pub/sub. */
  public TopicSubscriptions(
      StatefulRedisPubSubConnection<String, byte[]> connection, boolean sharded) {
    this.connection = connection;
    this.sharded = sharded;
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
    return sharded ? connection.async().ssubscribe(topic) : connection.async().subscribe(topic);
  }

  /** Unsubscribes from {@code topic}; completes when Redis confirmed it. */
  public CompletionStage<Void> unsubscribe(String topic) {
    return sharded ? connection.async().sunsubscribe(topic) : connection.async().unsubscribe(topic);
  }

  /** Whether the connection is up. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /** Closes the connection. */
  public void close() {
    connection.close();
  }
}
