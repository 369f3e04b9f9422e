package dev.pushwire.redis.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.spi.NodeMessageListener;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes what arrives on the broker's pub/sub connection: messages on this node's topic to its
 * {@link NodeMessageListener}, publications to the {@link ChannelTracker} of their channel, and
 * (re)subscriptions to the tracker, which then reads what it may have missed. Runs on Lettuce's I/O
 * thread.
 */
public final class TopicRouter implements TopicSubscriptions.Handler {
  private static final Logger log = LoggerFactory.getLogger(TopicRouter.class);

  private final KeySpace keys;
  private final String nodeTopic;
  private final Function<String, ChannelTracker> trackers;
  private final Consumer<String> leave;
  private volatile NodeMessageListener nodeListener;

  /**
   * @param nodeTopic this node's own topic
   * @param trackers the tracker of a channel, or null when this node is not subscribed to it
   * @param leave unsubscribes from a topic
   */
  public TopicRouter(
      KeySpace keys,
      String nodeTopic,
      Function<String, ChannelTracker> trackers,
      Consumer<String> leave) {
    this.keys = keys;
    this.nodeTopic = nodeTopic;
    this.trackers = trackers;
    this.leave = leave;
  }

  /** This node's own topic. */
  public String nodeTopic() {
    return nodeTopic;
  }

  /** Receives the messages on this node's topic from now on. */
  public void nodeListener(NodeMessageListener listener) {
    this.nodeListener = listener;
  }

  @Override
  public void message(String topic, byte[] message) {
    if (topic.equals(nodeTopic)) {
      NodeMessageListener l = nodeListener;
      if (l != null) {
        try {
          l.onNodeMessage(message);
        } catch (RuntimeException e) {
          log.error("Node message listener failed", e);
        }
      }
      return;
    }
    String channel = keys.channelOf(topic);
    ChannelTracker tracker = channel == null ? null : trackers.apply(channel);
    if (tracker == null) {
      return;
    }
    Publication p;
    try {
      p = PublicationCodec.decode(message);
    } catch (RuntimeException e) {
      log.warn("Ignored a malformed publication on topic {}: {}", topic, e.getMessage());
      return;
    }
    tracker.onLive(p);
  }

  @Override
  public void subscribed(String topic) {
    String channel = keys.channelOf(topic);
    if (channel == null) {
      return;
    }
    ChannelTracker tracker = trackers.apply(channel);
    if (tracker != null) {
      tracker.onResubscribed();
    } else {
      // Lettuce subscribed again, after a reconnect, to a topic this node left while Redis was
      // unreachable: leave it now.
      leave.accept(topic);
    }
  }
}
