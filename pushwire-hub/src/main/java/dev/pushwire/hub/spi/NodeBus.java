package dev.pushwire.hub.spi;

import dev.pushwire.hub.ErrorCode;
import java.util.concurrent.CompletionStage;

/**
 * Messages addressed to one node of a cluster, beside the channels' publications: a {@link Broker}
 * that links nodes (the Redis broker) implements it too, so the server reaches another node through
 * this interface, never through a backend's class.
 */
public interface NodeBus {

  /**
   * Sends {@code message} to node {@code nodeId}'s listener, at most once.
   *
   * @return how many nodes received it (0: no node {@code nodeId} is connected); fails with {@link
   *     ErrorCode#UNAVAILABLE} while the bus is unreachable
   */
  CompletionStage<Long> sendToNode(String nodeId, byte[] message);

  /** Receives what other nodes {@linkplain #sendToNode send} to this node; replaces any earlier. */
  NodeBus onNodeMessage(NodeMessageListener listener);
}
