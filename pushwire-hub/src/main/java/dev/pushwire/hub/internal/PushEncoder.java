package dev.pushwire.hub.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;

/**
 * Turns one channel's publications into what clients receive, once per publication and node (never
 * per subscriber). Publication data is JSON text.
 *
 * <ul>
 *   <li>Plain clients: a JSON string as its text, unquoted; any other value as its JSON text.
 *   <li>{@code pushwire.v1} clients: {@code {"channel":..,"offset":..,"epoch":..,"data":<value>}}.
 * </ul>
 *
 * <p>The channel and the epoch are quoted once and kept, not per publication: the channel for the
 * encoder's life, the epoch until a publication arrives in another one. Because of that state an
 * encoder is not thread-safe: each channel has its own ({@link ChannelState#encoder}), used under
 * the channel's lock.
 */
final class PushEncoder {
  private final String channel;

  /** {@code {"channel":<channel>,"offset":}, built with the first envelope. */
  private String head;

  /** The epoch that {@link #middle} holds. */
  private String epoch;

  /** {@code ,"epoch":<epoch>,"data":}. */
  private String middle;

  PushEncoder(String channel) {
    this.channel = channel;
  }

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
  String envelope(Publication p) {
    String data = new String(p.data(), StandardCharsets.UTF_8);
    if (data.isBlank()) {
      data = "null";
    }
    if (head == null) {
      head = "{\"channel\":" + Json.quote(channel) + ",\"offset\":";
    }
    if (!p.epoch().equals(epoch)) {
      epoch = p.epoch();
      middle = ",\"epoch\":" + Json.quote(epoch) + ",\"data\":";
    }
    // javac's string concatenation measures all the parts first and copies them once into a
    // result of the exact size; a StringBuilder would grow and then copy again in toString().
    return head + p.offset() + middle + data + '}';
  }

  /**
   * The notice that ends a {@code pushwire.v1} subscription the client did not end: {@code
   * {"channel":..,"unsubscribed":{"code":..,"resubscribe":true,"message":..}}}.
   */
  static String unsubscribed(String channel, String code, String message) {
    return "{\"channel\":"
        + Json.quote(channel)
        + ",\"unsubscribed\":{\"code\":"
        + Json.quote(code)
        + ",\"resubscribe\":true,\"message\":"
        + Json.quote(message)
        + "}}";
  }

  /** What connection {@code v1 ? pushwire.v1 : plain} receives. */
  String forClient(boolean v1, Publication p) {
    return v1 ? envelope(p) : plain(p);
  }
}
