package dev.pushwire.core;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
