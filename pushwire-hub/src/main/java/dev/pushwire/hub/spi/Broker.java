package dev.pushwire.hub.spi;

import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import java.util.concurrent.CompletionStage;

/**
 * Assigns offsets, keeps bounded per-channel history, and carries publications between nodes. Every
 * method except {@link #start} and {@link #close} is asynchronous and safe to call from any thread;
 * none blocks the caller. {@link MemoryBroker} is the single-node implementation.
 *
 * <h2>Guarantees an implementation must give</h2>
 *
 * <ul>
 *   <li><b>Atomic publish.</b> Assigning a publication its offset and appending it to the channel's
 *       history are one step: a history read never sees offset N without N-1 (within what the
 *       bounds keep), and a publication is in history before it is delivered to any node.
 *   <li><b>Monotonic offsets.</b> Within an epoch, a channel's offsets are 1, 2, 3, ... with no gap
 *       and no reuse.
 *   <li><b>Epochs.</b> Whenever history and offsets may have been lost (a restart of an in-memory
 *       broker, a flushed or evicted Redis key) the channel gets a new epoch, so a reader's old
 *       position can never be mistaken for a current one. A channel without publications reads as
 *       offset 0 in some epoch; its first publications get that epoch as long as the broker can
 *       vouch that nothing was published (and lost) in between, and another one otherwise.
 *   <li><b>Bounded state.</b> Reading a channel that has no publications and no subscribed node
 *       must not make the broker keep state for it for longer than a short while, so that readers
 *       of random channel names cannot grow its memory.
 *   <li><b>At-most-once live delivery.</b> A node subscribed to a channel gets each publication at
 *       most once through {@link BrokerListener#onPublication}, in offset order per channel; it may
 *       miss some (network loss). Clients close such gaps through history ({@link #history}).
 * </ul>
 *
 * <p>A node is {@link #subscribe subscribed} to a channel only while it has local subscribers; the
 * hub calls {@code subscribe} and {@code unsubscribe} once per change, never concurrently for the
 * same channel, and reads history only after its {@code subscribe} completed, which is what makes
 * recovery free of gaps.
 */
public interface Broker extends AutoCloseable {

  /**
   * Starts delivering to {@code listener}; called once, before any other method.
   *
   * @param listener must not be {@code null}
   */
  void start(BrokerListener listener);

  /**
   * Assigns the next offset on {@code channel}, appends the publication to the channel's history
   * (trimmed to the bounds in {@code options}) and delivers it to every subscribed node.
   *
   * <p>The caller keeps {@code data}: it may change the array after this call, so a broker that
   * keeps the array rather than encoding it at once must copy it. Use {@link #publishOwned} to hand
   * the array over instead.
   *
   * @param channel a valid channel name
   * @param data the payload; must not be {@code null}
   * @param options history bounds and attributes; must not be {@code null}
   * @return the publication's offset and epoch
   */
  CompletionStage<PublishResult> publish(String channel, byte[] data, PublishOptions options);

  /**
   * {@link #publish}, handing {@code data} over to the broker: the caller never changes the array
   * afterwards, so the broker may keep it (in its history, and in the {@link Publication} it
   * delivers) without copying it. The hub publishes this way, as it makes a new array for each
   * publication.
   *
   * <p>The default calls {@link #publish}, so a broker, or a wrapper, that implements only {@code
   * publish} stays correct; override this only to save the copy.
   *
   * @param channel a valid channel name
   * @param data the payload, no longer changed by the caller; must not be {@code null}
   * @param options history bounds and attributes; must not be {@code null}
   * @return the publication's offset and epoch
   */
  default CompletionStage<PublishResult> publishOwned(
      String channel, byte[] data, PublishOptions options) {
    return publish(channel, data, options);
  }

  /** Reads {@code channel}'s history; see {@link HistoryOptions} for what is returned. */
  CompletionStage<HistoryResult> history(String channel, HistoryOptions options);

  /** Starts delivering {@code channel}'s publications to this node. */
  CompletionStage<Void> subscribe(String channel);

  /** Stops delivering {@code channel}'s publications to this node. */
  CompletionStage<Void> unsubscribe(String channel);

  /**
   * Drops {@code channel}'s kept publications. Afterwards no position before the top is
   * recoverable; offsets continue in the same epoch or a new epoch starts.
   */
  CompletionStage<Void> removeHistory(String channel);

  /**
   * The number of channels with publications whose offsets and history this broker keeps in this
   * process, or -1 when it keeps them elsewhere (a Redis server, where they expire by TTL). For
   * memory bounds and metrics.
   */
  default long channelCount() {
    return -1;
  }

  /**
   * Whether calls can be expected to succeed now: the broker's server is reachable. For readiness
   * checks and stats; the memory broker always is.
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * What last went wrong talking to the broker's server, or {@code null} if nothing did. Says why
   * {@link #isAvailable()} is false.
   */
  default String lastError() {
    return null;
  }

  /** Releases the broker's resources; no listener calls follow. Idempotent. */
  @Override
  void close();
}
