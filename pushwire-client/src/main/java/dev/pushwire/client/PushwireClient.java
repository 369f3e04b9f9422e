package dev.pushwire.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.client.internal.PushwireClientImpl;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A client of Pushwire nodes speaking {@code pushwire.v1} (docs/PROTOCOL.md): channel subscriptions
 * with recovery, history, presence, publish, ping and token refresh, over one WebSocket that it
 * reopens with backoff whenever it is lost.
 *
 * <pre>{@code
 * PushwireClient client = PushwireClient.create(URI.create("ws://127.0.0.1:9876/"),
 *     ClientConfig.newBuilder().token(jwt).build());
 * client.onLost(e -> reload(e.channel()));
 * Subscription news = client.subscribe("news", p -> System.out.println(p.offset() + " " + p.text()));
 * client.connect();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * A subscription's listener receives every publication of its channel once and in offset order, or
 * the client reports what it could not get. It keeps the position of the last publication handled
 * per channel and applies the client rule of docs/PROTOCOL.md "Recovery": a push at or below that
 * position is a duplicate and is dropped; a push that skips offsets or changes epoch is a gap, so
 * the client unsubscribes and subscribes again with {@code since} = that position. After a lost
 * connection (including close code {@code 4008}, a slow consumer) and after an {@code unsubscribed}
 * notice with {@code "resubscribe": true}, it subscribes again with {@code since}. A subscribe
 * answered {@code "recovered": false} is reported to {@link #onLost} with the lost offsets when
 * they are known.
 *
 * <h2>Connections</h2>
 *
 * Nothing happens until {@link #connect()}. Each attempt asks the URI source for a URI (a list is
 * tried in turn, so a client fails over to the next node) and the {@link TokenSource} for a token;
 * after a loss, attempts follow {@link ClientConfig#reconnect()}. Commands made while not connected
 * wait for the connection, up to {@link ClientConfig#commandTimeout()}; commands in flight when it
 * drops fail with {@link PushwireException#DISCONNECTED} (whether they ran is unknown).
 *
 * <h2>Threads</h2>
 *
 * Every method is safe to call from any thread. The client runs on one event-loop thread of its
 * own: listeners are called there, one at a time, in the order of events, and returned stages
 * complete there. Never block in a listener or a stage callback (no {@code join()} on this client's
 * stages there): that stalls the client. Set listeners before {@link #connect()}; a setter replaces
 * the previous listener.
 */
public interface PushwireClient extends AutoCloseable {

  /** The subprotocol this client speaks. */
  String SUBPROTOCOL = "pushwire.v1";

  /**
   * A client of the node at {@code uri} ({@code ws://} or {@code wss://}).
   *
   * @throws IllegalArgumentException if {@code uri} is not an absolute ws or wss URI with a host
   */
  static PushwireClient create(URI uri, ClientConfig config) {
    return create(List.of(uri), config);
  }

  /**
   * A client of the nodes at {@code uris}: the first attempt goes to the first, and every later
   * attempt to the next one in turn (after the last, the first again), so a client whose node died
   * reconnects to another.
   *
   * @throws IllegalArgumentException if the list is empty or a URI is not a ws or wss URI with a
   *     host
   */
  static PushwireClient create(List<URI> uris, ClientConfig config) {
    return PushwireClientImpl.create(uris, config);
  }

  /**
   * A client that asks {@code uris} for the URI of each connection attempt (on its event loop: it
   * must not block). An exception it throws, or a bad URI, fails that attempt.
   */
  static PushwireClient create(Supplier<URI> uris, ClientConfig config) {
    return PushwireClientImpl.create(uris, config);
  }

  /** Called each time a connection has opened, reconnects included. */
  PushwireClient onConnected(EventListener<ConnectedEvent> listener);

  /** Called each time an open connection has closed. */
  PushwireClient onDisconnected(EventListener<DisconnectedEvent> listener);

  /** Called before each wait for a new connection attempt. */
  PushwireClient onReconnecting(EventListener<ReconnectingEvent> listener);

  /** Called for each answer to a subscribe, resubscribes included. */
  PushwireClient onSubscribed(EventListener<SubscribedEvent> listener);

  /** Called when the client subscribes again on the same connection (a notice or a gap). */
  PushwireClient onResubscribing(EventListener<ResubscribingEvent> listener);

  /** Called when publications could not be recovered: reload that channel's state. */
  PushwireClient onLost(EventListener<LostEvent> listener);

  /** Called for each direct message (sent to this connection, not to a channel). */
  PushwireClient onMessage(EventListener<DirectMessage> listener);

  /** Called for failures that no stage reports; by default they are logged as warnings. */
  PushwireClient onError(EventListener<ErrorEvent> listener);

  /**
   * Starts connecting, and keeps a connection open until {@link #close()}. The stage completes when
   * a connection is open; it fails when the client stops trying (with {@link
   * dev.pushwire.core.ReconnectPolicy#DISABLED}, after the first failed attempt) or is closed
   * first. Calling it again while connecting or open returns a stage for the same connection; after
   * the client gave up, it starts again.
   */
  CompletionStage<Void> connect();

  /**
   * Subscribes {@code listener} to {@code channel}, live from when the node answers. The
   * subscription is made at once if connected, else when the connection opens.
   *
   * @throws IllegalStateException if this client already has a subscription to {@code channel}
   */
  Subscription subscribe(String channel, PublicationListener listener);

  /**
   * Subscribes {@code listener} to {@code channel}, starting after {@code since}, a position saved
   * from an earlier {@link Subscription#position()} ({@code null}: live only). The publications
   * after it that history still holds arrive first; if some are gone, {@link #onLost} says which.
   *
   * @throws IllegalStateException if this client already has a subscription to {@code channel}
   */
  Subscription subscribe(String channel, Position since, PublicationListener listener);

  /** This client's subscription to {@code channel}, or {@code null}. */
  Subscription subscription(String channel);

  /**
   * Publishes {@code data}, any JSON value, to {@code channel}, if the node lets clients publish
   * (by default it does not: {@link PushwireException#FORBIDDEN}). Completes with the publication's
   * position.
   */
  CompletionStage<Position> publish(String channel, JsonNode data);

  /**
   * Publishes {@code json}, the text of a JSON value.
   *
   * @throws IllegalArgumentException if {@code json} is not one JSON value
   */
  CompletionStage<Position> publishJson(String channel, String json);

  /** Publishes {@code text} as a JSON string (plain clients of the channel receive it as is). */
  CompletionStage<Position> publishText(String channel, String text);

  /** Reads {@code channel}'s history. */
  CompletionStage<HistoryResult> history(String channel, HistoryOptions options);

  /** Who is subscribed to {@code channel}, on every node. */
  CompletionStage<Presence> presence(String channel);

  /** A round trip to the node; completes with the time it took. */
  CompletionStage<Duration> ping();

  /**
   * Replaces the open connection's token with {@code token}, a newer one for the same user, so that
   * the node does not close the connection at the old token's expiry; completes with the new
   * expiry. Later connection attempts still ask the {@link TokenSource}.
   */
  CompletionStage<Instant> refresh(String token);

  /** Where the connection is. */
  ConnectionState state();

  /** The URI of the open connection (without the token), or {@code null} when not open. */
  URI connectedUri();

  /** The config this client was created with. */
  ClientConfig config();

  /**
   * Closes the connection (code 1000) and stops for good: no reconnect, pending commands and
   * subscriptions not yet live fail with {@link PushwireException#DISCONNECTED}, and the client's
   * thread is released. Waits a few seconds at most for the close handshake, unless called on the
   * client's event loop. Idempotent.
   */
  @Override
  void close();
}
