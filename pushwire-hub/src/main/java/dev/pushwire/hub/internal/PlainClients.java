package dev.pushwire.hub.internal;

import dev.pushwire.core.CloseCodes;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients without a subprotocol, which subscribe by URL: the channels named by {@link
 * Hub#CHANNEL_PARAM} in the query, or the default channel. They cannot send commands, so what would
 * be an error reply to a {@code pushwire.v1} client is a refused handshake or a close with the
 * reason in the close frame.
 */
final class PlainClients {
  private static final Logger log = LoggerFactory.getLogger(PlainClients.class);
  private static final int MAX_REASON_BYTES = 123;

  private final Subscriptions subscriptions;
  private final Delivery delivery;
  private final HubConfig config;
  private final LimitCounters limits;
  private final Supplier<AccessPolicy> policy;

  PlainClients(
      Subscriptions subscriptions,
      Delivery delivery,
      HubConfig config,
      LimitCounters limits,
      Supplier<AccessPolicy> policy) {
    this.subscriptions = subscriptions;
    this.delivery = delivery;
    this.config = config;
    this.limits = limits;
    this.policy = policy;
  }

  /** What is wrong with the channels a handshake asks for, or {@code null} if nothing is. */
  String handshakeProblem(List<String> requested) {
    return problem(channels(requested));
  }

  /** Subscribes the newly opened {@code c} to the channels in its URL, or closes it. */
  void subscribe(LocalConnection c) {
    List<String> channels = channels(c.info.query().get(Hub.CHANNEL_PARAM));
    String problem = problem(channels);
    if (problem == null) {
      AccessPolicy access = policy.get();
      for (String ch : channels) {
        if (!access.canSubscribe(c.info, ch)) {
          limits.increment(LimitCounters.FORBIDDEN);
          problem = ErrorCode.FORBIDDEN.code() + ": subscribing to " + ch + " is not allowed";
          break;
        }
      }
    }
    if (problem != null) {
      delivery.close(c.id, CloseCodes.POLICY_VIOLATION, closeReason(problem));
      return;
    }
    for (String ch : channels) {
      subscriptions
          .subscribe(c.id, ch, null, r -> {})
          .whenComplete(
              (r, e) -> {
                if (e == null) {
                  return;
                }
                HubException h = Futures.toHubException(e, "subscribe");
                if (h.code() == ErrorCode.NOT_SUBSCRIBED || h.code() == ErrorCode.NO_CONNECTION) {
                  return; // the connection closed meanwhile
                }
                log.warn("Subscribing connection {} to {} failed: {}", c.id, ch, h.getMessage());
                int code =
                    h.code() == ErrorCode.UNAVAILABLE
                        ? CloseCodes.TRY_AGAIN_LATER
                        : CloseCodes.INTERNAL_ERROR;
                delivery.close(c.id, code, closeReason(h.code().code() + ": " + h.getMessage()));
              });
    }
  }

  private List<String> channels(List<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return List.of(config.defaultChannel());
    }
    return List.copyOf(new LinkedHashSet<>(requested));
  }

  private String problem(List<String> channels) {
    for (String ch : channels) {
      if (!ChannelName.isValid(ch)) {
        try {
          ChannelName.requireValid(ch);
        } catch (HubException e) {
          return e.code().code() + ": " + e.getMessage();
        }
      }
    }
    if (channels.size() > config.maxSubscriptionsPerConnection()) {
      limits.increment(LimitCounters.TOO_MANY_SUBSCRIPTIONS);
      return ErrorCode.TOO_MANY_SUBSCRIPTIONS.code()
          + ": "
          + channels.size()
          + " channels requested, at most "
          + config.maxSubscriptionsPerConnection()
          + " allowed";
    }
    return null;
  }

  /** {@code text} cut to fit a close frame's reason (123 bytes of UTF-8), marked with "...". */
  private static String closeReason(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return text;
    }
    int end = text.length();
    while (end > 0
        && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }
}
