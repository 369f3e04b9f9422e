package dev.pushwire.hub.spi;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Receives what a {@link Broker} delivers to this node. Called by the broker's own threads: for one
 * channel, calls are made one at a time in ascending offset order; an implementation must not block
 * and must not call back into the broker synchronously while holding its own locks.
 *
 * <p>Both methods are abstract on purpose: a wrapper that forwards publications must decide what to
 * do with gaps too, or a gap would be lost silently on its way to the hub.
 */
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
  void onGap(String channel, StreamPosition lastDelivered);

  /**
   * A listener for at-most-once delivery: publications go to {@code onPublication}, gaps are
   * ignored. For tools and tests that count what arrives, never for delivery to clients that are
   * promised to be told.
   */
  static BrokerListener atMostOnce(BiConsumer<String, Publication> onPublication) {
    Objects.requireNonNull(onPublication, "onPublication");
    return new BrokerListener() {
      @Override
      public void onPublication(String channel, Publication publication) {
        onPublication.accept(channel, publication);
      }

      @Override
      public void onGap(String channel, StreamPosition lastDelivered) {
        // at most once: a gap is nothing to act on here
      }
    };
  }
}
