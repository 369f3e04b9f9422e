package dev.pushwire.redis;

/**
 * Receives what other nodes send to this node with {@link RedisBroker#sendToNode}, for example a
 * push to one of this node's connections. Called on Lettuce's I/O thread, one message at a time in
 * the order Redis delivered them; must not block.
 */
@FunctionalInterface
public interface NodeMessageListener {

  /** A message addressed to this node; the array is not shared, the listener may keep it. */
  void onNodeMessage(byte[] message);
}
