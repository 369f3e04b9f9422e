package dev.pushwire.redis;

import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.NodeBus;
import dev.pushwire.hub.spi.NodeMessageListener;
import java.util.List;

/**
 * A Redis {@link Broker} that also carries messages between nodes: what {@link
 * RedisBrokers#connect} returns, one {@link RedisBroker} or a {@link ShardedRedisBroker} over
 * several.
 */
public interface NodeLinkedBroker extends Broker, NodeBus {

  @Override
  NodeLinkedBroker onNodeMessage(NodeMessageListener listener);

  /** This node's id. */
  String nodeId();

  /** The channels this node is subscribed to, sorted. */
  List<String> subscribedChannels();
}
