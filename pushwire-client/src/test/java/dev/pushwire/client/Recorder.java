package dev.pushwire.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what a {@link PushwireClient} delivers: its publications, and every event and publication
 * in the order they came.
 */
final class Recorder implements PublicationListener {
  final List<Publication> publications = new CopyOnWriteArrayList<>();
  final List<Object> events = new CopyOnWriteArrayList<>();

  /** Records every event of {@code client}; returns {@code client}. */
  PushwireClient attach(PushwireClient client) {
    return client
        .onConnected(events::add)
        .onDisconnected(events::add)
        .onReconnecting(events::add)
        .onSubscribed(events::add)
        .onResubscribing(events::add)
        .onLost(events::add)
        .onMessage(events::add)
        .onError(events::add);
  }

  @Override
  public void onPublication(Publication publication) {
    publications.add(publication);
    events.add(publication);
  }

  /**
   * How many publications arrived from history after resubscribing: after a resubscribed {@link
   * SubscribedEvent}, those at or below the position it answered with.
   */
  long recoveredFromHistory() {
    long n = 0;
    long upTo = -1;
    for (Object e : events) {
      if (e instanceof SubscribedEvent s) {
        upTo = s.resubscribed() ? s.position().offset() : -1;
      } else if (e instanceof Publication p && p.offset() <= upTo) {
        n++;
      }
    }
    return n;
  }

  /** The events of {@code type}, in order. */
  <T> List<T> events(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Object e : events) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  /** The offsets of the publications, in the order they arrived. */
  List<Long> offsets() {
    return publications.stream().map(Publication::offset).toList();
  }

  /** The texts of the publications, in the order they arrived. */
  List<String> texts() {
    return publications.stream().map(Publication::text).toList();
  }
}
