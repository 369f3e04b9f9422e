package dev.pushwire.hub.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryOptions;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.StreamPosition;
import dev.pushwire.hub.SubscribeResult;
import dev.pushwire.hub.spi.Broker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's subscriptions, by channel, and the delivery of publications to them.
 *
 * <p>A subscription joins as pending, waits until the node is subscribed in the broker, reads the
 * channel's history (the missed publications, or just the top position), and then, under the
 * channel's lock, sends what it missed, then what arrived while it was pending (skipping what the
 * history already held; a plain subscription without a position, which starts when it joined, gets
 * all of it), and goes live. Because the broker appends to history before it delivers and the
 * history read starts after the subscription joined, every publication is either in the history
 * read or in the buffer: no gap; the offset check removes the overlap: no duplicate. The history
 * read may also hold publications this node has not received live yet (Redis answers the read
 * before its pub/sub message arrives): such a subscription goes live "catching up", skipping the
 * live publications it already got, so those are not sent twice either.
 *
 * <p>When the broker reports a gap it could not fill ({@link #onGap}), plain subscribers carry on
 * (they get at most once), and each {@code pushwire.v1} subscription ends: the hub tells the client
 * to resubscribe with its position, so that its own history read fills what it can and reports the
 * rest as lost. A subscription still pending at that moment goes live with its history read only,
 * then ends the same way.
 *
 * <p>No global lock: a concurrent map of channels, one monitor per channel.
 */
final class ChannelIndex {
  private static final Logger log = LoggerFactory.getLogger(ChannelIndex.class);

  /**
   * A pending subscription whose history read stalls must not buffer without bound; past this it
   * fails and the client may retry.
   */
  static final int MAX_PENDING_BUFFER = 10_000;

  /** Ends subscriptions that the index dropped; called without the channel's lock. */
  @FunctionalInterface
  interface LostSubscriptions {
    /** {@code connectionId}'s subscription to {@code channel} was dropped after a stream gap. */
    void lost(long connectionId, String channel);
  }

  private final ConcurrentHashMap<String, ChannelState> channels = new ConcurrentHashMap<>();
  private final Broker broker;
  private final Delivery delivery;
  private final LostSubscriptions onLost;

  ChannelIndex(Broker broker, Delivery delivery, LostSubscriptions onLost) {
    this.broker = broker;
    this.delivery = delivery;
    this.onLost = onLost;
  }

  /**
   * Adds {@code sub} to its channel as pending and returns the broker subscription to wait for.
   * Called under the connection's monitor, so that a concurrent {@link #leave} sees it.
   */
  CompletableFuture<Void> attach(Subscription sub) {
    for (; ; ) {
      ChannelState st = channels.computeIfAbsent(sub.channel, ChannelState::new);
      CompletableFuture<Void> interest;
      synchronized (st) {
        if (st.removed) {
          continue;
        }
        boolean first = st.size() == 0;
        st.pending.put(sub.connection.id, sub);
        sub.state = st;
        if (first) {
          st.chainInterest(broker, true);
        }
        interest = st.interest;
      }
      st.runBrokerCalls();
      return interest;
    }
  }

  /**
   * Completes {@code sub} once {@code interest} is done: reads history, delivers what was missed
   * and goes live. Called without locks held.
   */
  CompletionStage<SubscribeResult> recover(Subscription sub, CompletionStage<Void> interest) {
    ChannelState st = sub.state;
    HistoryOptions options =
        sub.since == null
            ? HistoryOptions.top()
            : HistoryOptions.since(sub.since, HistoryOptions.NO_LIMIT);
    CompletableFuture<SubscribeResult> result = new CompletableFuture<>();
    interest
        .thenCompose(v -> broker.history(sub.channel, options))
        .whenComplete((history, error) -> finish(st, sub, history, error, result));
    return result;
  }

  /**
   * Removes {@code sub} from its channel, pending or live; the node leaves the channel in the
   * broker when it was the last. Called under the connection's monitor.
   */
  void leave(Subscription sub) {
    ChannelState st = sub.state;
    if (st == null) {
      return;
    }
    synchronized (st) {
      if (st.removed) {
        return;
      }
      long id = sub.connection.id;
      boolean left =
          st.pending.remove(id, sub)
              || (sub.connection.v1 ? st.v1 : st.plain).remove(id)
              || st.catchingUp.remove(id) != null;
      if (left) {
        releaseIfEmpty(st);
      }
    }
    st.runBrokerCalls();
  }

  /** Delivers a publication from the broker to this node's subscribers of {@code channel}. */
  void onPublication(String channel, Publication p) {
    ChannelState st = channels.get(channel);
    if (st == null) {
      return;
    }
    try {
      synchronized (st) {
        if (st.removed) {
          return;
        }
        st.lastLiveOffset = p.offset();
        st.lastLiveEpoch = p.epoch();
        if (!st.catchingUp.isEmpty()) {
          st.catchUp(p);
        }
        if (!st.plain.isEmpty()) {
          delivery.deliver(st.plain, PushEncoder.plain(p));
        }
        if (!st.v1.isEmpty()) {
          delivery.deliver(st.v1, st.encoder.envelope(p));
        }
        for (Subscription s : st.pending.values()) {
          if (s.buffer.size() < MAX_PENDING_BUFFER) {
            s.buffer.add(p);
          } else {
            s.overflowed = true;
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("Delivering offset {} on channel {} failed", p.offset(), channel, e);
    }
  }

  /**
   * The broker could not deliver {@code channel}'s publications after {@code last}: {@code
   * pushwire.v1} subscriptions end (see the class comment). Returns how many did.
   */
  int onGap(String channel, StreamPosition last) {
    ChannelState st = channels.get(channel);
    if (st == null) {
      return 0;
    }
    List<Long> ended = new ArrayList<>();
    int plain;
    synchronized (st) {
      if (st.removed) {
        return 0;
      }
      ended.addAll(st.v1);
      st.v1.clear();
      for (Iterator<Map.Entry<Long, ChannelState.CatchUp>> it = st.catchingUp.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<Long, ChannelState.CatchUp> e = it.next();
        if (e.getValue().v1()) {
          ended.add(e.getKey());
          it.remove();
        }
      }
      for (Subscription s : st.pending.values()) {
        if (s.connection.v1) {
          s.gapped = true;
        }
      }
      plain = st.plain.size();
      releaseIfEmpty(st);
    }
    st.runBrokerCalls();
    log.warn(
        "Channel {}: the broker lost publications after {} and could not read them from history;"
            + " {} pushwire.v1 subscriptions told to resubscribe, {} plain subscribers carry on",
        channel,
        last == null ? "the subscription" : "offset " + last.offset() + " of epoch " + last.epoch(),
        ended.size(),
        plain);
    for (Long id : ended) {
      onLost.lost(id, channel);
    }
    return ended.size();
  }

  /** Whether {@code sub} is still one of its channel's subscriptions, pending or live. */
  boolean holds(Subscription sub) {
    ChannelState st = sub.state;
    if (st == null) {
      return false;
    }
    synchronized (st) {
      long id = sub.connection.id;
      return !st.removed
          && (st.pending.get(id) == sub
              || (sub.connection.v1 ? st.v1 : st.plain).contains(id)
              || st.catchingUp.containsKey(id));
    }
  }

  /** Channels with subscribers (live or pending) and their counts. */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>();
    channels.forEach(
        (name, st) -> {
          int n = st.size();
          if (n > 0) {
            out.put(name, n);
          }
        });
    return out;
  }

  /** How many connections are subscribed to {@code channel}, live or pending. */
  int subscriberCount(String channel) {
    ChannelState st = channels.get(channel);
    return st == null ? 0 : st.size();
  }

  /** The connections subscribed to {@code channel}, live or pending. */
  Set<Long> subscribers(String channel) {
    ChannelState st = channels.get(channel);
    if (st == null) {
      return Set.of();
    }
    return st.members();
  }

  private void finish(
      ChannelState st,
      Subscription sub,
      HistoryResult history,
      Throwable error,
      CompletableFuture<SubscribeResult> result) {
    try {
      finishUnderLock(st, sub, history, error, result);
    } finally {
      st.runBrokerCalls();
    }
  }

  private void finishUnderLock(
      ChannelState st,
      Subscription sub,
      HistoryResult history,
      Throwable error,
      CompletableFuture<SubscribeResult> result) {
    SubscribeResult done;
    boolean gapped;
    synchronized (st) {
      long id = sub.connection.id;
      if (st.pending.get(id) != sub) {
        result.completeExceptionally(
            new HubException(
                ErrorCode.NOT_SUBSCRIBED,
                "the subscription to " + sub.channel + " ended before it was complete"));
        return;
      }
      st.pending.remove(id);
      if (error != null || sub.overflowed) {
        releaseIfEmpty(st);
        result.completeExceptionally(
            error != null
                ? Futures.toHubException(error, "broker")
                : new HubException(
                    ErrorCode.UNAVAILABLE,
                    "too many publications on " + sub.channel + " while subscribing; try again"));
        return;
      }
      gapped = sub.gapped;
      done = goLive(st, sub, history);
    }
    result.complete(done);
    if (gapped) {
      onLost.lost(sub.connection.id, sub.channel);
    }
  }

  /**
   * Under the channel's lock: reply, missed publications, buffered ones, then the live set. A
   * subscription whose stream had a gap meanwhile gets the reply and the history read only, and
   * does not go live.
   */
  private SubscribeResult goLive(ChannelState st, Subscription sub, HistoryResult history) {
    Recovery recovery = Recovery.of(sub.since, history);
    List<Publication> missed = recovery.missed();
    SubscribeResult r =
        new SubscribeResult(
            sub.channel,
            recovery.recovered(),
            history.offset(),
            history.epoch(),
            missed.size(),
            recovery.lost());
    try {
      sub.beforeLive.accept(r);
    } catch (RuntimeException e) {
      log.error("Subscribe callback failed for connection {}", sub.connection.id, e);
    }
    long id = sub.connection.id;
    boolean v1 = sub.connection.v1;
    String epoch = history.epoch();
    long last = history.offset();
    for (Publication p : missed) {
      delivery.send(id, st.encoder.forClient(v1, p));
    }
    if (sub.gapped) {
      // What arrived live since the read may jump over the gap: the client resubscribes from here.
      sub.buffer = List.of();
      releaseIfEmpty(st);
      return r;
    }
    // A plain subscription without a position starts when it joined: what arrived while it was
    // pending is for it, though the top it read is past it (that read sent nothing). A v1 one
    // starts at the offset its reply names, so what lies below that is not for it.
    boolean fromJoin = !v1 && sub.since == null;
    for (Publication p : sub.buffer) {
      boolean sameEpoch = p.epoch().equals(epoch);
      if (sameEpoch && p.offset() <= last && !fromJoin) {
        continue; // the history read already covered it
      }
      delivery.send(id, st.encoder.forClient(v1, p));
      if (sameEpoch) {
        last = Math.max(last, p.offset());
      }
    }
    sub.buffer = List.of();
    // Offsets start at 1, so with nothing up to last (an empty channel: the usual case for a fresh
    // node's subscribers) every live publication is new to it; live at once, it costs a set entry
    // rather than a catching-up record per connection.
    if (last < 1
        || (st.lastLiveEpoch != null
            && st.lastLiveEpoch.equals(epoch)
            && st.lastLiveOffset >= last)) {
      (v1 ? st.v1 : st.plain).add(id);
    } else {
      // It has publications (up to last) that have not been delivered live here yet.
      st.catchingUp.put(id, new ChannelState.CatchUp(v1, epoch, last));
    }
    return r;
  }

  /** Under the channel's lock: when nobody is left, unsubscribes the node and unlinks the state. */
  private void releaseIfEmpty(ChannelState st) {
    if (st.size() != 0) {
      return;
    }
    CompletableFuture<Void> f = st.chainInterest(broker, false);
    f.whenComplete(
        (v, e) -> {
          if (e != null) {
            log.warn("Broker unsubscribe from {} failed", st.name, Futures.unwrap(e));
          }
          synchronized (st) {
            if (st.interest == f && st.size() == 0 && !st.removed) {
              st.removed = true;
              channels.remove(st.name, st);
            }
          }
        });
  }
}
