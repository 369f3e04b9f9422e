package dev.pushwire.core;

import dev.pushwire.core.internal.Checks;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the server knows about one open WebSocket connection.
 *
 * @param connectionId unique for the life of the process, never reused
 * @param remoteAddress the peer's address
 * @param path the request path without the query, for example {@code /ws}
 * @param query the decoded query parameters, in request order
 * @param headers the upgrade request's headers; names are lower case
 * @param subprotocol the negotiated subprotocol, or {@code null} when none was
 * @param extensions the negotiated extensions as sent in {@code Sec-WebSocket-Extensions}, or an
 *     empty string
 * @param connectedAt when the handshake completed
 */
public record ConnectionInfo(
    long connectionId,
    InetSocketAddress remoteAddress,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    String subprotocol,
    String extensions,
    Instant connectedAt) {

  /** The first value of query parameter {@code name}, or {@code null}. */
  public String queryParam(String name) {
    return Checks.first(query, name);
  }

  /** The first value of header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    return Checks.firstHeader(headers, name);
  }
}
