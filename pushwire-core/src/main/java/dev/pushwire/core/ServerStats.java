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
 * @param handshakesRefused refused upgrade requests and dropped HTTP connections, by reason: {@code
 *     origin} (403), {@code max_connections} (503), {@code max_connections_per_ip} (429), {@code
 *     bad_request} (400, 414, 431: malformed, no {@code Host} in HTTP/1.1, too long), {@code
 *     too_large} (413: a body over {@link ServerSettings#maxHttpBodySize()}), {@code version}
 *     (426), {@code timeout} (no complete request within the handshake timeout; a kept-alive
 *     connection closed when idle after its answers is not counted), {@code application} (the
 *     handshake listener), {@code not_found}, {@code error}
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
