package dev.pushwire.server.internal.backends;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.BrokerListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Stands in for a broker whose server could not be reached when the node started. Until {@link
 * Backends} hands it the real broker ({@link #offer}), every call fails at once with {@link
 * ErrorCode#UNAVAILABLE} and says why (so publishing answers 503 and subscribing fails as it does
 * during any outage); from then on every call goes to the real broker, which this object then owns.
 */
final class DeferredBroker implements Broker {
  private final String description;
  private volatile Broker delegate;
  private volatile String lastError;
  private BrokerListener listener;
  private Broker ready;
  private boolean closed;

  /**
   * @param description what the broker is, for messages: {@code Redis at redis://host:6379}
   * @param firstError why the first connection attempt failed
   */
  DeferredBroker(String description, String firstError) {
    this.description = description;
    this.lastError = firstError;
  }

  /**
   * Takes {@code broker} as the real one and starts it, if it was not started yet.
   *
   * @return false if this stand-in is closed; the caller then closes {@code broker}
   * @throws HubException when starting {@code broker} failed; the caller closes it and retries
   */
  synchronized boolean offer(Broker broker) {
    if (closed) {
      return false;
    }
    if (listener != null) {
      broker.start(listener);
      delegate = broker;
    } else {
      ready = broker;
    }
    return true;
  }

  /** Records why the last connection attempt failed. */
  void failed(String error) {
    lastError = error;
  }

  /** The real broker, or {@code null} while there is none yet. */
  Broker delegate() {
    return delegate;
  }

  @Override
  public synchronized void start(BrokerListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("broker already started");
    }
    this.listener = listener;
    if (ready != null) {
      ready.start(listener);
      delegate = ready;
      ready = null;
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options) {
    return call("publish on " + channel, b -> b.publish(channel, data, options));
  }

  @Override
  public CompletionStage<PublishResult> publishOwned(
      String channel, byte[] data, PublishOptions options) {
    return call("publish on " + channel, b -> b.publishOwned(channel, data, options));
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryOptions options) {
    return call("history of " + channel, b -> b.history(channel, options));
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return call("subscribe to " + channel, b -> b.subscribe(channel));
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    Broker b = delegate;
    // Nothing was subscribed in a broker that was never reached.
    return b == null ? CompletableFuture.completedFuture(null) : b.unsubscribe(channel);
  }

  @Override
  public CompletionStage<Void> removeHistory(String channel) {
    return call("remove history of " + channel, b -> b.removeHistory(channel));
  }

  @Override
  public long channelCount() {
    Broker b = delegate;
    return b == null ? -1 : b.channelCount();
  }

  @Override
  public boolean isAvailable() {
    Broker b = delegate;
    return b != null && b.isAvailable();
  }

  @Override
  public String lastError() {
    Broker b = delegate;
    return b == null ? lastError : b.lastError();
  }

  @Override
  public void close() {
    Broker b;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      b = delegate != null ? delegate : ready;
    }
    if (b != null) {
      b.close();
    }
  }

  @Override
  public String toString() {
    Broker b = delegate;
    return b != null ? b.toString() : "DeferredBroker{" + description + ", not connected}";
  }

  private <T> CompletionStage<T> call(String what, Function<Broker, CompletionStage<T>> op) {
    Broker b = delegate;
    if (b != null) {
      return op.apply(b);
    }
    return CompletableFuture.failedFuture(
        new HubException(
            ErrorCode.UNAVAILABLE,
            description
                + " has not been reachable since this node started, "
                + what
                + " failed: "
                + lastError
                + " (the node keeps trying)"));
  }
}
