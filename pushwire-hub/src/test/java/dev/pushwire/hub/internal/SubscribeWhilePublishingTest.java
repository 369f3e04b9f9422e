package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub never calls the broker while it holds a channel's lock ({@code BrokerListener}'s
 * contract): a broker may hold a lock of its own while it delivers into that channel, as the memory
 * broker does. Here the broker's subscribe waits for a delivery made on another thread, as it would
 * wait for its own lock held by a publisher that is delivering. Before, a channel's first
 * subscription made that call under the channel's lock, and the two threads hung.
 */
class SubscribeWhilePublishingTest {
  private final DeliveringOnSubscribe broker = new DeliveringOnSubscribe(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder().nodeId("n1").historySize(10).build(),
          broker,
          new MemoryRegistry());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aFirstSubscriptionDoesNotCallTheBrokerUnderTheChannelsLock() throws Exception {
    long id = f.openV1();
    f.hub.subscribe(id, "hot").toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(broker.delivered).isCompletedWithValue(true);
  }

  @Test
  void aLastUnsubscriptionDoesNotCallTheBrokerUnderTheChannelsLock() throws Exception {
    long id = f.openV1();
    f.hub.subscribe(id, "hot").toCompletableFuture().get(30, TimeUnit.SECONDS);
    broker.delivered = new CompletableFuture<>();
    f.hub.unsubscribe(id, "hot").toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(broker.delivered).isCompletedWithValue(true);
  }

  /**
   * A broker whose subscribe and unsubscribe first let another thread deliver a publication into
   * the node and wait for that delivery to finish (at most 5 s, then report a hang).
   */
  private static final class DeliveringOnSubscribe implements Broker {
    private final Broker delegate;
    private volatile BrokerListener listener;
    volatile CompletableFuture<Boolean> delivered = new CompletableFuture<>();

    DeliveringOnSubscribe(Broker delegate) {
      this.delegate = delegate;
    }

    @Override
    public void start(BrokerListener l) {
      listener = l;
      delegate.start(l);
    }

    private void deliverFromAnotherThread(String channel) {
      CompletableFuture<Void> delivery =
          CompletableFuture.runAsync(
              () ->
                  listener.onPublication(channel, new Publication(1, "e", "\"x\"".getBytes(), 1L)));
      try {
        delivery.get(5, TimeUnit.SECONDS);
        delivered.complete(true);
      } catch (TimeoutException e) {
        delivered.complete(false); // the delivery waits for a lock this caller holds
      } catch (Exception e) {
        delivered.completeExceptionally(e);
      }
    }

    @Override
    public CompletionStage<Void> subscribe(String channel) {
      deliverFromAnotherThread(channel);
      return delegate.subscribe(channel);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
      deliverFromAnotherThread(channel);
      return delegate.unsubscribe(channel);
    }

    @Override
    public CompletionStage<PublishResult> publish(
        String channel, byte[] data, PublishOptions options) {
      return delegate.publish(channel, data, options);
    }

    @Override
    public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
      return delegate.history(channel, options);
    }

    @Override
    public CompletionStage<Void> removeHistory(String channel) {
      return delegate.removeHistory(channel);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
