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

  /**
   * The broker could not deliver every publication on {@code channel} after {@code lastDelivered},
   * and could not read the missing ones from history either (the node was cut off longer than
   * history reaches, or the broker lost its data and the channel's epoch changed). The publications
   * that follow this call continue the stream after the gap. Subscribers that count on every offset
   * must recover from their own positions.
   *
   * <p>A broker calls this in line with {@link #onPublication}: after the last publication before
   * the gap and before the first after it. The default does nothing.
   *
   * @param lastDelivered the position of the last publication delivered before the gap, or {@code
   *     null} if none was
   */
  default void onGap(String channel, StreamPosition lastDelivered) {
    // empty default: a listener that only counts at-most-once delivery has nothing to do
  }
}
