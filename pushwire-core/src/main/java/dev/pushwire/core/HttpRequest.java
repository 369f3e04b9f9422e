package dev.pushwire.core;

import dev.pushwire.core.internal.Checks;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP request received on the WebSocket port (anything that is not a WebSocket upgrade).
 *
 * @param method the method, upper case
 * @param uri the request target as sent
 * @param path the decoded path without the query
 * @param query decoded query parameters, in request order
 * @param headers request headers; names are lower case
 * @param body the request body (bounded by {@link ServerSettings#maxHttpBodySize()})
 * @param remoteAddress the peer's address
 */
public record HttpRequest(
    String method,
    String uri,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    byte[] body,
    InetSocketAddress remoteAddress) {

  /** The first value of query parameter {@code name}, or {@code null}. */
  public String queryParam(String name) {
    return Checks.first(query, name);
  }

  /** The first value of header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    return Checks.firstHeader(headers, name);
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
