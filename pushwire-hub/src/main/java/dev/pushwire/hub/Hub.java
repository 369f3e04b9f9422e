package dev.pushwire.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.CloseListener;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.MessageListener;
import dev.pushwire.core.OpenListener;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.internal.HubImpl;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.Registry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Channels on a {@link WebSocketServer}: subscribe, publish, history with recovery, presence, and
 * the {@code pushwire.v1} protocol.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.create(ServerSettings.newBuilder()
 *     .port(9876).subprotocols(Hub.SUBPROTOCOL).build());
 * Hub hub = Hub.create(server, HubConfig.DEFAULT);
 * server.start();
 * hub.publishText("news", "hello");   // every subscriber of "news" receives it
 * }</pre>
 *
 * <h2>What clients see</h2>
 *
 * <ul>
 *   <li><b>Plain clients</b> (no subprotocol) are subscribed when they open to the channels named
 *       in their URL ({@code ?channel=a&channel=b}; none: {@link HubConfig#defaultChannel()}) and
 *       receive raw payloads. What they send is not published; it goes to {@link #onMessage}.
 *   <li><b>{@code pushwire.v1} clients</b> speak the JSON protocol in {@code docs/PROTOCOL.md}.
 * </ul>
 *
 * <h2>The hub owns the server's listeners</h2>
 *
 * {@link #create} sets the server's {@code onOpen}, {@code onMessage} and {@code onClose}
 * listeners; do not set them again afterwards. Use this hub's {@link #onOpen}, {@link #onMessage}
 * and {@link #onClose} instead, and {@link #manages} to leave some connections (say, a publisher
 * path) to your own code. The handshake listener stays yours; {@link #checkHandshake} helps it.
 *
 * <p>Every method is safe to call from any thread. Asynchronous methods never throw: their stage
 * fails, with a {@link HubException} for errors the caller can act on.
 */
public interface Hub extends AutoCloseable {

  /** The subprotocol of the JSON protocol; list it in the server's subprotocols. */
  String SUBPROTOCOL = "pushwire.v1";

  /** The query parameter plain clients name channels with. */
  String CHANNEL_PARAM = "channel";

  /**
   * The close code of a {@code pushwire.v1} connection that could not keep up: what was queued
   * before the close frame was sent in order; the client reconnects and resubscribes with {@code
   * since} (docs/PROTOCOL.md, "Guarantees").
   */
  int CLOSE_SLOW_CONSUMER = 4008;

  /**
   * A hub on {@code server} with {@code config} and the memory broker and registry, which it closes
   * on {@link #close()}. Call before {@link WebSocketServer#start()}.
   */
  static Hub create(WebSocketServer server, HubConfig config) {
    return HubImpl.install(server, config, new MemoryBroker(), new MemoryRegistry(), true);
  }

  /**
   * A hub on {@code server} with {@code config}, {@code broker} and {@code registry}. The hub
   * starts the broker but does not close either backend: their owner does. Call before {@link
   * WebSocketServer#start()}.
   */
  static Hub create(WebSocketServer server, HubConfig config, Broker broker, Registry registry) {
    return HubImpl.install(server, config, broker, registry, false);
  }

  /** This hub's settings. */
  HubConfig config();

  /** This node's id ({@link HubConfig#nodeId()}). */
  String nodeId();

  /** The broker this hub publishes through. */
  Broker broker();

  /** The registry this hub records connections and presence in. */
  Registry registry();

  /** Called after the hub has set up a new connection (plain clients are subscribed by then). */
  Hub onOpen(OpenListener listener);

  /**
   * Called for messages the hub does not handle itself: those of plain clients and of connections
   * it does not {@link #manages manage}.
   */
  Hub onMessage(MessageListener listener);

  /** Called after the hub has cleaned up a closed connection. */
  Hub onClose(CloseListener listener);

  /** What clients may do; see {@link AccessPolicy#DEFAULT}. */
  Hub accessPolicy(AccessPolicy policy);

  /** Who the user of a new connection is, for presence; see {@link UserResolver#NONE}. */
  Hub userResolver(UserResolver resolver);

  /**
   * Changes the user of an open connection (say, once it authenticated with a {@code connect}
   * command): its registry record and the presence entries of its later subscriptions show {@code
   * user}. Returns whether the connection was open here.
   */
  boolean setUser(long connectionId, String user);

  /** Extra {@code pushwire.v1} commands; see {@link CommandHandler#NONE}. */
  Hub commandHandler(CommandHandler handler);

  /**
   * Which connections are hub clients (default: all). The others are left alone: no channels, no
   * registry record; their events still reach {@link #onOpen}, {@link #onMessage} and {@link
   * #onClose}.
   */
  Hub manages(Predicate<ConnectionInfo> filter);

  /**
   * Refuses a plain client's upgrade with 400 when a channel in its URL is invalid or there are too
   * many; accepts otherwise. For use in the server's handshake listener, so that such clients get
   * an HTTP answer instead of an immediate close with 1008.
   */
  HandshakeDecision checkHandshake(HandshakeRequest request);

  /** Subscribes a connection to {@code channel}, live from now on. */
  CompletionStage<SubscribeResult> subscribe(long connectionId, String channel);

  /**
   * Subscribes a connection to {@code channel}. With {@code since}, first delivers every
   * publication after it if history still holds them all, then live ones with no gap and no
   * duplicate; if it does not, the result says {@code recovered: false} and only live ones follow.
   *
   * @param since the last position the client saw, or {@code null}
   */
  CompletionStage<SubscribeResult> subscribe(
      long connectionId, String channel, StreamPosition since);

  /** Ends a connection's subscription to {@code channel}; succeeds if there was none. */
  CompletionStage<Void> unsubscribe(long connectionId, String channel);

  /** Ends every subscription of a connection. */
  CompletionStage<Void> unsubscribeAll(long connectionId);

  /**
   * Publishes {@code json}, any JSON value, to every subscriber on every node. Plain clients
   * receive a JSON string as its text and any other value as its JSON text; {@code pushwire.v1}
   * clients receive the value in a push envelope.
   */
  CompletionStage<PublishResult> publish(String channel, String json);

  /**
   * Publishes {@code data}, a parsed JSON value (say, a field of a request that was read as a
   * tree), like {@link #publish(String, String)} but without checking it again: it is written once,
   * as compact UTF-8 JSON. A tree holding a {@code RawValue} is written unchecked. A missing node
   * is refused as missing data.
   */
  CompletionStage<PublishResult> publish(String channel, JsonNode data);

  /** Publishes {@code text} as a JSON string: plain clients receive exactly {@code text}. */
  CompletionStage<PublishResult> publishText(String channel, String text);

  /** Reads {@code channel}'s history. */
  CompletionStage<HistoryResult> history(String channel, HistoryOptions options);

  /** Who is subscribed to {@code channel} on every node. */
  CompletionStage<List<PresenceEntry>> presence(String channel);

  /** How many connections and users are subscribed to {@code channel} on every node. */
  CompletionStage<PresenceStats> presenceStats(String channel);

  /** Every registered connection on every node. */
  CompletionStage<List<ConnectionRecord>> connections();

  /** The channels with subscribers on this node, with their local subscriber counts. */
  Map<String, Integer> channels();

  /** The ids of this node's connections subscribed to {@code channel}. */
  Set<Long> subscribers(String channel);

  /**
   * How many of this node's connections are subscribed to {@code channel}: {@code
   * subscribers(channel).size()} without copying the set, for an answer given per publication.
   */
  int subscriberCount(String channel);

  /**
   * How often each limit triggered since the hub started, by reason: {@code rate_limited} (a
   * command refused by the command rate limit), {@code rate_limit_close} and {@code garbage_close}
   * (connections closed with 1008), {@code too_many_subscriptions}, {@code forbidden} (refused by
   * the {@link AccessPolicy}). Reasons that never triggered are absent.
   */
  default Map<String, Long> limitsTriggered() {
    return Map.of();
  }

  /**
   * How often this node told clients that it could not deliver everything, by signal: {@code
   * stream_gap} (the broker could not fill a gap in a channel's stream on this node) and {@code
   * resubscribe} ({@code pushwire.v1} subscriptions ended with an {@code unsubscribed} notice that
   * asks the client to resubscribe with {@code since}). Signals never sent are absent.
   */
  default Map<String, Long> deliverySignals() {
    return Map.of();
  }

  /** The channels a connection on this node is subscribed to. */
  Set<String> subscriptions(long connectionId);

  /**
   * Stops: removes this node's records from the registry (waiting a few seconds at most) and closes
   * the backends the hub created. Does not stop the server. Idempotent.
   */
  @Override
  void close();
}
