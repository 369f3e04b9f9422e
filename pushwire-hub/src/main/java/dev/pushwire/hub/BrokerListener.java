package dev.pushwire.hub;

/**
 * Receives what a {@link Broker} delivers to this node. Called by the broker's own threads: for one
 * channel, calls are made one at a time in ascending offset order; an implementation must not block
 * and must not call back into the broker synchronously while holding its own locks.
 */
@FunctionalInterface
public interface BrokerListener {

  /** A publication on {@code channel}, which this node is subscribed to. */
  void onPublication(String channel, Publication publication);
}
