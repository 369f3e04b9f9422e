package dev.pushwire.server.internal.auth;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.server.AuthSettings;
import java.util.function.LongFunction;

/**
 * The hub's {@link AccessPolicy} from the {@code channels.*} settings and each connection's token:
 *
 * <ul>
 *   <li>{@code user:<sub>} channels: only the connection whose token has that {@code sub};
 *   <li>{@code channels.private} patterns: only tokens whose {@code channels} claim matches, or a
 *       connection whose {@code subscribe} command carries a subscription token: a JWT signed with
 *       the configured key whose {@code channel} claim is that channel and whose {@code sub} is the
 *       connection's user (any {@code sub} for anonymous connections);
 *   <li>other channels: a token with a {@code channels} claim may use what it matches; every other
 *       connection what {@code channels.public} matches.
 * </ul>
 *
 * History and presence follow the subscribe rule. Publishing needs a {@code
 * channels.client-publish} match on top of it. Called on event loops: never blocks.
 */
public final class ChannelRules implements AccessPolicy {
  /** The prefix of per-user channels. */
  public static final String USER_PREFIX = "user:";

  private final ChannelPatterns publicChannels;
  private final ChannelPatterns privateChannels;
  private final ChannelPatterns clientPublish;
  private final LongFunction<VerifiedToken> tokens;
  private final TokenVerifier verifier;

  /**
   * Rules from {@code settings}, looking up each connection's token with {@code tokens} ({@code
   * null} for anonymous connections).
   */
  public ChannelRules(AuthSettings settings, LongFunction<VerifiedToken> tokens) {
    this(settings, tokens, null);
  }

  /**
   * As above, checking subscription tokens with {@code verifier} ({@code null}: no key, so no
   * subscription tokens).
   */
  public ChannelRules(
      AuthSettings settings, LongFunction<VerifiedToken> tokens, TokenVerifier verifier) {
    this.verifier = verifier;
    this.publicChannels = new ChannelPatterns(settings.publicChannels());
    this.privateChannels = new ChannelPatterns(settings.privateChannels());
    this.clientPublish = new ChannelPatterns(settings.clientPublishChannels());
    this.tokens = tokens;
  }

  @Override
  public boolean canSubscribe(ConnectionInfo connection, String channel) {
    VerifiedToken token = tokens.apply(connection.connectionId());
    if (channel.startsWith(USER_PREFIX)) {
      return token != null && channel.substring(USER_PREFIX.length()).equals(token.subject());
    }
    if (token != null && token.channels() != null) {
      return new ChannelPatterns(token.channels()).matches(channel);
    }
    return !privateChannels.matches(channel) && publicChannels.matches(channel);
  }

  /**
   * Subscribing with a subscription token: allowed when the connection may subscribe anyway, or
   * when {@code channel} is private and the token is valid, for that channel and for the
   * connection's user; a bad token is refused with {@code forbidden} and the reason.
   */
  @Override
  public boolean canSubscribe(ConnectionInfo connection, String channel, String token) {
    if (canSubscribe(connection, channel)) {
      return true;
    }
    if (token == null || !privateChannels.matches(channel) || verifier == null) {
      return false;
    }
    VerifiedToken t;
    try {
      t = verifier.verify(token, TokenKind.SUBSCRIPTION);
    } catch (TokenException e) {
      throw new HubException(
          ErrorCode.FORBIDDEN, "subscription token for " + channel + ": " + e.getMessage());
    }
    if (!channel.equals(t.channel())) {
      throw new HubException(
          ErrorCode.FORBIDDEN, "the subscription token is not for channel " + channel);
    }
    VerifiedToken own = tokens.apply(connection.connectionId());
    if (own != null && !own.subject().equals(t.subject())) {
      throw new HubException(ErrorCode.FORBIDDEN, "the subscription token is for another user");
    }
    return true;
  }

  @Override
  public boolean canPublish(ConnectionInfo connection, String channel) {
    return clientPublish.matches(channel) && canSubscribe(connection, channel);
  }

  @Override
  public boolean canReadHistory(ConnectionInfo connection, String channel) {
    return canSubscribe(connection, channel);
  }

  @Override
  public boolean canReadPresence(ConnectionInfo connection, String channel) {
    return canSubscribe(connection, channel);
  }
}
