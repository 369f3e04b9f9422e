package dev.pushwire.server.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.HttpRequest;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.server.internal.auth.ChannelPatterns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an API key limited to channel patterns ({@code KEY:PATTERN,...} in {@code api.keys}) may do:
 * publish, broadcast, and read history and presence of the channels its patterns match. Every other
 * channel, and the routes that show or act on every channel or connection, are refused with 403
 * {@code forbidden}. A body that cannot be read is left to the route, which answers 400.
 */
final class ApiKeyScope {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiKeyScope() {}

  /** Throws a 403 {@link ApiException} unless {@code scope} allows {@code request}. */
  static void check(HttpRequest request, ChannelPatterns scope) {
    List<String> channels = channels(request);
    if (channels == null) {
      throw forbidden(
          request.path() + " is not allowed for an API key limited to channels " + scope);
    }
    for (String channel : channels) {
      if (!scope.matches(channel)) {
        throw forbidden("this API key may not use channel " + channel);
      }
    }
  }

  /** The channels {@code request} names, or {@code null} for a route that is not per channel. */
  private static List<String> channels(HttpRequest request) {
    switch (request.path()) {
      case "/api/history", "/api/presence" -> {
        String c = request.queryParam("channel");
        return c == null ? List.of() : List.of(c);
      }
      case "/api/publish" -> {
        JsonNode body = body(request);
        JsonNode c = body == null ? null : body.get("channel");
        if (body != null && (c == null || c.isNull())) {
          return List.of(HubConfig.DEFAULT_CHANNEL);
        }
        return c != null && c.isTextual() ? List.of(c.textValue()) : List.of();
      }
      case "/api/broadcast" -> {
        JsonNode body = body(request);
        JsonNode list = body == null ? null : body.get("channels");
        List<String> out = new ArrayList<>();
        if (list != null && list.isArray()) {
          list.forEach(c -> out.add(c.asText()));
        }
        return out;
      }
      default -> {
        return null;
      }
    }
  }

  private static JsonNode body(HttpRequest request) {
    try {
      JsonNode node = JSON.readTree(request.body());
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null; // malformed: the route answers 400 with the details
    }
  }

  private static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }
}
