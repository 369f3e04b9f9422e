package dev.pushwire.core;

import java.util.Map;

/**
 * A snapshot of a server's counters since it started.
 *
 * @param connections connections open now
 * @param connectionsOpened connections opened in total
 * @param messagesIn whole messages received from clients
 * @param bytesIn payload bytes received (after inflation)
 * @param messagesOut messages queued to clients
 * @param bytesOut payload bytes queued to clients (before compression)
 * @param slowConsumerDrops messages skipped because a connection was above its high water mark
 * @param slowConsumerCloses connections closed by the slow-consumer policy
 * @param handshakesRefused refused upgrade requests, by reason (for example {@code origin}, {@code
 *     max_connections}, {@code bad_request}, {@code version}, {@code application})
 * @param protocolCloses connections closed for a protocol violation, by close code
 */
public record ServerStats(
    long connections,
    long connectionsOpened,
    long messagesIn,
    long bytesIn,
    long messagesOut,
    long bytesOut,
    long slowConsumerDrops,
    long slowConsumerCloses,
    Map<String, Long> handshakesRefused,
    Map<Integer, Long> protocolCloses) {}
