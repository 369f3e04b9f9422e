package dev.pushwire.server.internal.api;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubException;
import dev.pushwire.server.internal.auth.ChannelPatterns;
import dev.pushwire.server.internal.metrics.NodeCounters;
import dev.pushwire.server.internal.metrics.NodeCounters.Source;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher socket, {@code ws://HOST:PORT/publish?channel=news}: the classic trigger client,
 * made safe. The upgrade needs an API key ({@code X-API-Key}, {@code Authorization: Bearer KEY} or
 * {@code apikey KEY}, or {@code ?api_key=} for clients that cannot set headers) and is refused with
 * 401 before it happens otherwise. Each text message the publisher sends is then published, as
 * text, to the channel named in its URL ({@code default} when none is). Binary messages close the
 * socket with 1003; a failed publication is answered on the socket with {@code {"error":{...}}}.
 */
public final class PublisherEndpoint {
  private static final Logger log = LoggerFactory.getLogger(PublisherEndpoint.class);

  /** The query parameter that may carry the key. */
  public static final String KEY_PARAM = "api_key";

  private final String path;
  private final ApiKeys keys;
  private final Hub hub;
  private final NodeCounters counters;
  private final ConcurrentHashMap<Long, String> channels = new ConcurrentHashMap<>();

  /** An endpoint at {@code path} publishing through {@code hub} for holders of {@code keys}. */
  public PublisherEndpoint(String path, ApiKeys keys, Hub hub, NodeCounters counters) {
    this.path = path;
    this.keys = keys;
    this.hub = hub;
    this.counters = counters;
  }

  /** Whether {@code requestPath} is this endpoint's. */
  public boolean owns(String requestPath) {
    return path.equals(requestPath);
  }

  /** Accepts an upgrade with a good key and channel; refuses it with 401 or 400 otherwise. */
  public HandshakeDecision handshake(HandshakeRequest request) {
    String key = ApiKeys.presented(request::header);
    if (key == null) {
      key = request.queryParam(KEY_PARAM);
    }
    if (key == null || key.isEmpty()) {
      return HandshakeDecision.reject(
          401,
          "unauthorized: the publisher socket needs an API key: "
              + ApiKeys.HOW
              + ", or add ?api_key=KEY to the URL");
    }
    if (!keys.matches(key)) {
      return HandshakeDecision.reject(401, "unauthorized: wrong API key");
    }
    List<String> named = request.query().getOrDefault(Hub.CHANNEL_PARAM, List.of());
    if (named.size() > 1) {
      // Publishing to the first and ignoring the rest would be a silent surprise.
      return HandshakeDecision.reject(
          400,
          "bad_request: a publisher socket publishes to one channel; the URL names "
              + named.size()
              + " (?channel=...)");
    }
    String channel = channel(request.queryParam(Hub.CHANNEL_PARAM));
    try {
      ChannelName.requireValid(channel);
    } catch (HubException e) {
      return HandshakeDecision.reject(400, e.code().code() + ": " + e.getMessage());
    }
    ChannelPatterns scope = keys.scope(key);
    if (scope != null && !scope.matches(channel)) {
      return HandshakeDecision.reject(
          403, "forbidden: this API key may not use channel " + channel);
    }
    return HandshakeDecision.acceptWith(null);
  }

  /** A connection opened; remembers its channel if it is a publisher. */
  public void opened(ConnectionInfo info) {
    if (owns(info.path())) {
      String channel = channel(info.queryParam(Hub.CHANNEL_PARAM));
      channels.put(info.connectionId(), channel);
      log.info(
          "publisher {} from {} connected, publishing to {}",
          info.connectionId(),
          info.remoteAddress(),
          channel);
    }
  }

  /** Publishes {@code message} if it came from a publisher; returns whether it did. */
  public boolean message(WebSocketServer server, Message message) {
    long id = message.connectionId();
    String channel = channels.get(id);
    if (channel == null) {
      return false;
    }
    if (message.binary()) {
      server.disconnect(
          id, CloseCodes.UNSUPPORTED_DATA, "the publisher socket takes text messages only");
      return true;
    }
    hub.publishText(channel, message.text())
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                counters.published(Source.SOCKET);
                return;
              }
              counters.failed(Source.SOCKET);
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              String code = cause instanceof HubException h ? h.code().code() : "internal";
              log.warn("publisher {}: publishing to {} failed: {}", id, channel, cause.toString());
              server.push(
                  id,
                  ApiJson.write(ApiJson.errorBody(code, "not published: " + cause.getMessage())));
            });
    return true;
  }

  /** A connection closed. */
  public void closed(long connectionId) {
    if (channels.remove(connectionId) != null) {
      log.info("publisher {} disconnected", connectionId);
    }
  }

  /** Publishers connected now. */
  public int count() {
    return channels.size();
  }

  private String channel(String requested) {
    return requested == null ? hub.config().defaultChannel() : requested;
  }
}
