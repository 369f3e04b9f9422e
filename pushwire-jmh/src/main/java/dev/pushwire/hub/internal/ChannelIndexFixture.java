package dev.pushwire.hub.internal;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.spi.BrokerListener;
import dev.pushwire.jmh.SamplePayloads;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real {@link ChannelIndex} over a {@link MemoryBroker}, filled the way {@link Subscriptions}
 * fills it: subscriptions attach, read history and go live. Thread-safe as far as the index is.
 */
final class ChannelIndexFixture {
  /** What each fixture publication carries; the encoder's cost by size is its own benchmark. */
  static final int PAYLOAD_SIZE = 64;

  private static final Instant SUBSCRIBED_AT = Instant.parse("2025-01-01T00:00:00Z");

  final MemoryBroker broker = new MemoryBroker();
  final LastMessageDelivery delivery = new LastMessageDelivery();
  final ChannelIndex index =
      new ChannelIndex(
          broker,
          delivery,
          (id, channel) -> {
            // The memory broker has no gaps: nothing is ever lost here.
            throw new IllegalStateException("connection " + id + " lost " + channel);
          });
  private final AtomicLong nextConnectionId = new AtomicLong(1);

  ChannelIndexFixture() {
    broker.start(
        new BrokerListener() {
          @Override
          public void onPublication(String channel, Publication publication) {
            index.onPublication(channel, publication);
          }

          @Override
          public void onGap(String channel, StreamPosition lastDelivered) {
            index.onGap(channel, lastDelivered);
          }
        });
  }

  /** A new {@code pushwire.v1} connection, not subscribed to anything. */
  LocalConnection newConnection() {
    long id = nextConnectionId.getAndIncrement();
    ConnectionInfo info =
        new ConnectionInfo(
            id,
            new InetSocketAddress("127.0.0.1", 1024 + (int) (id % 60000)),
            "/ws",
            Map.of(),
            Map.of(),
            Hub.SUBPROTOCOL,
            "",
            SUBSCRIBED_AT);
    return new LocalConnection(info, true, null, "bench");
  }

  /**
   * A subscription from the top (no recovery), not yet attached. Subscriptions makes a fresh one
   * for every subscribe, so the benchmarks do too.
   */
  Subscription newSubscription(LocalConnection connection, String channel) {
    return new Subscription(connection, channel, null, SUBSCRIBED_AT, r -> {});
  }

  /**
   * Subscribes as Subscriptions does, minus the registry: attach, read history, go live. The memory
   * broker answers at once, so the result is complete on return.
   */
  SubscribeResult subscribe(Subscription sub) {
    return index.recover(sub, index.attach(sub)).toCompletableFuture().join();
  }

  /** Subscribes and then unsubscribes {@code connection}: one round of churn. */
  SubscribeResult churn(LocalConnection connection, String channel) {
    // Subscriptions holds the connection's monitor around attach and leave; uncontended here, so
    // left out to keep the figure the index's own.
    Subscription sub = newSubscription(connection, channel);
    SubscribeResult r = subscribe(sub);
    index.leave(sub);
    return r;
  }

  /** Adds {@code count} live subscribers to {@code channel}. */
  void fill(String channel, int count) {
    for (int i = 0; i < count; i++) {
      subscribe(newSubscription(newConnection(), channel));
    }
  }

  /**
   * Publishes once through the broker, so that the channel's last live position is the broker's top
   * (new subscribers then go straight to the live set, as on a busy channel), and returns the
   * publication as the broker delivered it.
   */
  Publication publishOnce(String channel) {
    byte[] data = SamplePayloads.jsonObjectBytes(PAYLOAD_SIZE);
    PublishResult r =
        broker.publish(channel, data, PublishOptions.DEFAULT).toCompletableFuture().join();
    return new Publication(r.offset(), r.epoch(), data, System.currentTimeMillis());
  }
}
