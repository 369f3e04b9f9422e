package dev.pushwire.hub.internal;

import dev.pushwire.hub.Publication;
import dev.pushwire.hub.spi.Broker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's subscribers of one channel, and the node's subscription to it in the broker.
 * Membership changes and deliveries happen under this object's monitor, which orders every push to
 * a connection: nothing is delivered twice or skipped while a subscription goes from pending to
 * live. The sets themselves are concurrent so that counts can be read without the lock.
 */
final class ChannelState {
  final String name;

  /** Live subscribers without a subprotocol: they receive raw payloads. */
  final Set<Long> plain = ConcurrentHashMap.newKeySet();

  /** Live {@code pushwire.v1} subscribers: they receive push envelopes. */
  final Set<Long> v1 = ConcurrentHashMap.newKeySet();

  /** Subscriptions still reading history, by connection id. */
  final Map<Long, Subscription> pending = new ConcurrentHashMap<>();

  /**
   * Live subscribers whose history read went further than this node's live stream had come (with
   * Redis, a history read can overtake the pub/sub message of a publication): each skips the live
   * publications it already got, up to {@link CatchUp#upTo}, then moves to {@link #plain} or {@link
   * #v1}. Usually empty.
   */
  final Map<Long, CatchUp> catchingUp = new ConcurrentHashMap<>();

  /**
   * The offset and epoch of the last publication delivered live; the epoch is {@code null} until
   * one was. Two fields rather than a {@code StreamPosition}, which would be allocated for each
   * publication. Guarded by this.
   */
  long lastLiveOffset;

  String lastLiveEpoch;

  /** Encodes this channel's publications; guarded by this. */
  final PushEncoder encoder;

  /**
   * The last of the broker subscribe/unsubscribe calls for this channel, chained so that they reach
   * the broker one at a time in order. While the channel has subscribers it ends in a subscribe.
   * Guarded by this.
   */
  CompletableFuture<Void> interest = CompletableFuture.completedFuture(null);

  /** Broker calls queued under this lock, to be made after it is released. Guarded by this. */
  final List<Runnable> brokerCalls = new ArrayList<>(1);

  /** Unlinked from the index; a joiner that finds it so must fetch a fresh one. Guarded by this. */
  boolean removed;

  ChannelState(String name) {
    this.name = name;
    this.encoder = new PushEncoder(name);
  }

  int size() {
    return plain.size() + v1.size() + pending.size() + catchingUp.size();
  }

  /** The connections subscribed, live or pending. */
  Set<Long> members() {
    Set<Long> out = new HashSet<>(plain);
    out.addAll(v1);
    out.addAll(pending.keySet());
    out.addAll(catchingUp.keySet());
    return Set.copyOf(out);
  }

  /**
   * Under this lock, before {@code p} is delivered: each catching-up subscriber that does not have
   * {@code p} yet joins the live subscribers, so it gets {@code p} and what follows with them; the
   * others keep waiting.
   */
  void catchUp(Publication p) {
    for (Iterator<Map.Entry<Long, CatchUp>> it = catchingUp.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, CatchUp> e = it.next();
      CatchUp c = e.getValue();
      if (!c.has(p)) {
        it.remove();
        (c.v1() ? v1 : plain).add(e.getKey());
      }
    }
  }

  /**
   * Under this lock: queues a broker (un)subscribe after the previous one. The call itself is made
   * by {@link #runBrokerCalls} once the lock is released: the broker may hold its own locks while
   * it delivers to {@link ChannelIndex#onPublication}, which takes this one, so calling it under
   * this lock could deadlock (the {@code BrokerListener} contract).
   */
  CompletableFuture<Void> chainInterest(Broker broker, boolean subscribe) {
    String channel = name;
    CompletableFuture<Void> previous = interest;
    CompletableFuture<Void> next = new CompletableFuture<>();
    interest = next;
    brokerCalls.add(
        () ->
            previous
                .handle((v, e) -> null)
                .thenCompose(
                    v -> subscribe ? broker.subscribe(channel) : broker.unsubscribe(channel))
                .whenComplete(
                    (v, e) -> {
                      if (e == null) {
                        next.complete(null);
                      } else {
                        next.completeExceptionally(e);
                      }
                    }));
    return next;
  }

  /** Makes the broker calls queued here, without holding this lock. */
  void runBrokerCalls() {
    List<Runnable> calls;
    synchronized (this) {
      if (brokerCalls.isEmpty()) {
        return;
      }
      calls = new ArrayList<>(brokerCalls);
      brokerCalls.clear();
    }
    for (Runnable call : calls) {
      call.run();
    }
  }

  /**
   * A subscriber that has everything up to {@code upTo} in {@code epoch} already.
   *
   * @param v1 whether it is a {@code pushwire.v1} client
   */
  record CatchUp(boolean v1, String epoch, long upTo) {
    /** Whether it already got {@code p}. */
    boolean has(Publication p) {
      return p.epoch().equals(epoch) && p.offset() <= upTo;
    }
  }
}
