package dev.pushwire.redis.internal;

/**
 * The names of the broker's keys and pub/sub topics, under a key prefix {@code P}.
 *
 * <p>A channel's keys ({@code P meta:{channel}}, {@code P history:{channel}}) carry the channel as
 * a hash tag, so that in a Redis Cluster they share one slot and the publish script, which writes
 * both, runs on one master in one atomic step. Through a cluster the topics carry it too ({@code P
 * ch:{channel}}, {@code P node:{nodeId}}): with sharded pub/sub a topic lives on the master of its
 * slot, and the publish script may {@code SPUBLISH} only to a topic in its keys' slot. With one
 * server or Sentinel the topics stay {@code P ch:channel} and {@code P node:nodeId}, as they always
 * were.
 *
 * @param prefix the key prefix
 * @param cluster whether topics carry hash tags
 */
public record KeySpace(String prefix, boolean cluster) {

  /** The channel's meta hash: epoch, top, ttl, replid. */
  public String metaKey(String channel) {
    return prefix + "meta:{" + channel + "}";
  }

  /** The channel's history list. */
  public String historyKey(String channel) {
    return prefix + "history:{" + channel + "}";
  }

  /** The topic the channel's publications are sent to. */
  public String channelTopic(String channel) {
    return cluster ? prefix + "ch:{" + channel + "}" : prefix + "ch:" + channel;
  }

  /** The topic of messages to node {@code nodeId}. */
  public String nodeTopic(String nodeId) {
    return cluster ? prefix + "node:{" + nodeId + "}" : prefix + "node:" + nodeId;
  }

  /** The channel whose topic {@code topic} is, or {@code null} if it is no channel's. */
  public String channelOf(String topic) {
    String start = cluster ? prefix + "ch:{" : prefix + "ch:";
    if (!topic.startsWith(start)) {
      return null;
    }
    if (!cluster) {
      return topic.substring(start.length());
    }
    return topic.endsWith("}") ? topic.substring(start.length(), topic.length() - 1) : null;
  }
}
