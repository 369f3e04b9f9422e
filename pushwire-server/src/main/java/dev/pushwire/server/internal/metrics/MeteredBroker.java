package dev.pushwire.server.internal.metrics;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Broker} that measures the one it wraps for {@link NodeMetrics}: publications accepted
 * and failed, each publication it hands to the hub for fan-out (with the time since it was
 * published), and failed calls. Everything else passes through unchanged.
 */
final class MeteredBroker extends MeteredBackend<Broker> implements Broker {
  MeteredBroker(Broker delegate, NodeMetrics metrics) {
    super(
        delegate,
        metrics,
        NodeMetrics.BROKER,
        new Passthrough(delegate::isAvailable, delegate::lastError, delegate::close));
  }

  @Override
  public void start(BrokerListener listener) {
    delegate.start(
        new BrokerListener() {
          @Override
          public void onPublication(String channel, Publication publication) {
            metrics.delivering(channel, publication);
            listener.onPublication(channel, publication);
          }

          @Override
          public void onGap(String channel, StreamPosition lastDelivered) {
            listener.onGap(channel, lastDelivered);
          }
        });
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    return counted(channel, call(() -> delegate.publish(channel, data, options)));
  }

  @Override
  public CompletionStage<PublishResult> publishOwned(
      String channel, byte[] data, PublishOptions options) {
    return counted(channel, call(() -> delegate.publishOwned(channel, data, options)));
  }

  private CompletionStage<PublishResult> counted(
      String channel, CompletionStage<PublishResult> publication) {
    return publication.whenComplete(
        (r, e) -> {
          if (e == null) {
            metrics.published(channel);
          } else {
            metrics.publishFailed(channel);
          }
        });
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    return call(() -> delegate.history(channel, options));
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return call(() -> delegate.subscribe(channel));
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return call(() -> delegate.unsubscribe(channel));
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    return call(() -> delegate.removeHistory(channel));
  }

  @Override
  public long channelCount() {
    return delegate.channelCount();
  }
}
