package dev.pushwire.core;

import dev.pushwire.core.internal.Checks;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A valid WebSocket upgrade request that the server is about to accept, given to {@link
 * WebSocketServer#onHandshake} so the application can inspect it, pick a subprotocol, or refuse.
 *
 * @param remoteAddress the peer's address
 * @param path the request path without the query
 * @param query decoded query parameters, in request order
 * @param headers the request headers; names are lower case
 * @param requestedSubprotocols the subprotocols the client offered, in its order of preference
 * @param selectedSubprotocol the subprotocol the server would choose by default (the first one the
 *     client offered that the settings list), or {@code null}
 */
public record HandshakeRequest(
    InetSocketAddress remoteAddress,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    List<String> requestedSubprotocols,
    String selectedSubprotocol) {

  /** The first value of query parameter {@code name}, or {@code null}. */
  public String queryParam(String name) {
    return Checks.first(query, name);
  }

  /** The first value of header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    return Checks.firstHeader(headers, name);
  }
}
