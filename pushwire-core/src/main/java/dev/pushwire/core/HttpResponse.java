package dev.pushwire.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response to a plain {@link HttpRequest}.
 *
 * @param status the HTTP status code (100-599)
 * @param headers extra headers in order; {@code Content-Length} and {@code Connection} are set by
 *     the server
 * @param body the body
 */
public record HttpResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public HttpResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100-599: " + status);
    }
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A {@code text/plain; charset=utf-8} response. */
  public static HttpResponse text(int status, String body) {
    return of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code application/json} response; {@code json} must already be JSON text. */
  public static HttpResponse json(int status, String json) {
    return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A response with the given content type. */
  public static HttpResponse of(int status, String contentType, byte[] body) {
    return new HttpResponse(status, List.of(Map.entry("Content-Type", contentType)), body);
  }

  /** A copy with one more header. */
  public HttpResponse withHeader(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new HttpResponse(status, Collections.unmodifiableList(more), body);
  }
}
