package dev.pushwire.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A publication on a channel, as a push delivers it or history returns it.
 *
 * @param channel the channel
 * @param offset its offset in the channel's stream
 * @param epoch the epoch of that offset
 * @param data the published JSON value, exactly as published (a JSON {@code null} is a {@link
 *     com.fasterxml.jackson.databind.node.NullNode}, never Java {@code null})
 * @param publishedAt when it was published, from history; {@code null} for pushes, whose envelope
 *     carries no time
 */
public record Publication(
    String channel, long offset, String epoch, JsonNode data, Instant publishedAt) {

  public Publication {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(epoch, "epoch");
    Objects.requireNonNull(data, "data");
  }

  /** Its place in the channel's stream. */
  public Position position() {
    return new Position(offset, epoch);
  }

  /**
   * The data as text: a JSON string's value without quotes, any other value as its JSON text (what
   * a plain WebSocket client of the same channel receives).
   */
  public String text() {
    return data.isTextual() ? data.textValue() : data.toString();
  }
}
