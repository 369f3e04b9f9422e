package dev.pushwire.hub.spi;

/**
 * Receives what other nodes send to this node through a {@link NodeBus}, for example a push to one
 * of this node's connections. Called on the bus's I/O thread, one message at a time in the order
 * the bus delivered them; must not block.
 */
@FunctionalInterface
public interface NodeMessageListener {

  /** A message addressed to this node; the array is not shared, the listener may keep it. */
  void onNodeMessage(byte[] message);
}
