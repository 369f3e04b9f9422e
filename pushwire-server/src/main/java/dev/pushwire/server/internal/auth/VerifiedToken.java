package dev.pushwire.server.internal.auth;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a connection token that passed {@link TokenVerifier}.
 *
 * @param subject {@code sub}: the user
 * @param expiresAt {@code exp}
 * @param channels {@code channels}: the patterns it may subscribe to, or {@code null} when the
 *     token has no such claim
 * @param channel {@code channel}: the one channel a subscription token is for, or {@code null}
 * @param kind {@code kind}: what the token is for
 */
public record VerifiedToken(
    String subject, Instant expiresAt, List<String> channels, String channel, TokenKind kind) {}
