package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With Redis, a node can read a publication from history before the publication's live (pub/sub)
 * message reaches it. A subscription that goes live in between must not get that publication a
 * second time when the live message arrives: it catches up, skipping what its history read held.
 */
class LiveDeliveryBehindHistoryTest {
  private final LaggingBroker broker = new LaggingBroker(new MemoryBroker());
  private final HubFixture f =
      new HubFixture(HubConfig.newBuilder().nodeId("n1").build(), broker, new MemoryRegistry());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aRecoveredPublicationIsNotSentAgainWhenItsLiveMessageArrivesLate() {
    long early = f.openV1();
    join(f.hub.subscribe(early, "news"));
    String epoch = publish("m1").epoch();
    broker.deliverLagging();
    publish("m2"); // in history, its live message still on its way

    long late = f.openV1();
    SubscribeResult r = join(f.hub.subscribe(late, "news", new StreamPosition(1, epoch)));
    assertThat(r.recovered()).isTrue();
    broker.deliverLagging(); // m2 arrives live now
    publish("m3");
    broker.deliverLagging();

    assertThat(data(late)).containsExactly("m2", "m3");
    assertThat(data(early)).containsExactly("m1", "m2", "m3");
  }

  @Test
  void aNewSubscriberDoesNotGetALatePublicationFromBeforeItsSubscription() {
    long early = f.openV1();
    join(f.hub.subscribe(early, "news"));
    publish("m1");
    broker.deliverLagging();
    publish("m2");

    long plain = f.openPlain("news"); // subscribes at offset 2: m2 is not for it
    broker.deliverLagging();
    publish("m3");
    broker.deliverLagging();

    assertThat(f.delivery.messages(plain)).containsExactly("m3");
    assertThat(data(early)).containsExactly("m1", "m2", "m3");
  }

  @Test
  void aCatchingUpSubscriberJoinsTheSharedFanOut() {
    long first = f.openPlain("news");
    publish("m1"); // nobody has had a live publication yet: first is catching up
    broker.deliverLagging();
    long second = f.openPlain("news");
    int before = f.delivery.fanOuts().size();
    publish("m2");
    broker.deliverLagging();

    assertThat(f.delivery.fanOuts().subList(before, f.delivery.fanOuts().size())).hasSize(1);
    assertThat(f.delivery.messages(first)).containsExactly("m1", "m2");
    assertThat(f.delivery.messages(second)).containsExactly("m2");
  }

  private PublishResult publish(String text) {
    return join(f.hub.publishText("news", text));
  }

  private List<String> data(long id) {
    return f.json(id).stream()
        .filter(n -> n.has("channel"))
        .map(n -> n.get("data").asText())
        .toList();
  }

  /** Keeps live deliveries back until {@link #deliverLagging()}; history is up to date at once. */
  private static final class LaggingBroker implements Broker {
    private final Broker delegate;
    private final List<Runnable> lagging = new ArrayList<>();
    private BrokerListener listener;

    LaggingBroker(Broker delegate) {
      this.delegate = delegate;
    }

    synchronized void deliverLagging() {
      List<Runnable> now = List.copyOf(lagging);
      lagging.clear();
      now.forEach(Runnable::run);
    }

    @Override
    public void start(BrokerListener l) {
      this.listener = l;
      // The memory broker never has gaps: only publications lag.
      delegate.start(
          BrokerListener.atMostOnce(
              (channel, p) -> {
                synchronized (this) {
                  lagging.add(() -> deliver(channel, p));
                }
              }));
    }

    private void deliver(String channel, Publication p) {
      listener.onPublication(channel, p);
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
    public CompletionStage<Void> subscribe(String channel) {
      return delegate.subscribe(channel);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
      return delegate.unsubscribe(channel);
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
