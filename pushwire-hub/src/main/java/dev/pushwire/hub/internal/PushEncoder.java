package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;

/**
 * Turns a publication into what clients receive, once per publication and node (never per
 * subscriber). Publication data is JSON text.
 *
 * <ul>
 *   <li>Plain clients: a JSON string as its text, unquoted; any other value as its JSON text.
 *   <li>{@code pushwire.v1} clients: {@code {"channel":..,"offset":..,"epoch":..,"data":<value>}}.
 * </ul>
 */
final class PushEncoder {
  private PushEncoder() {}

  /** What a plain client receives. */
  static String plain(Publication p) {
    String text = new String(p.data(), StandardCharsets.UTF_8);
    if (!text.stripLeading().startsWith("\"")) {
      return text;
    }
    try {
      return Json.MAPPER.readValue(text, String.class);
    } catch (JsonProcessingException e) {
      // Not hub-written data (another publisher wrote to the broker): pass it on unchanged.
      return text;
    }
  }

  /** What a {@code pushwire.v1} client receives. */
  static String envelope(String channel, Publication p) {
    String data = new String(p.data(), StandardCharsets.UTF_8);
    if (data.isBlank()) {
      data = "null";
    }
    return new StringBuilder(48 + channel.length() + data.length())
        .append("{\"channel\":")
        .append(Json.quote(channel))
        .append(",\"offset\":")
        .append(p.offset())
        .append(",\"epoch\":")
        .append(Json.quote(p.epoch()))
        .append(",\"data\":")
        .append(data)
        .append('}')
        .toString();
  }

  /** What connection {@code v1 ? pushwire.v1 : plain} receives. */
  static String forClient(boolean v1, String channel, Publication p) {
    return v1 ? envelope(channel, p) : plain(p);
  }
}
