package dev.pushwire.core;

import java.nio.charset.StandardCharsets;

/**
 * A whole WebSocket message received from a connection, after its fragments were joined and, where
 * negotiated, inflated.
 *
 * @param connectionId the sender
 * @param binary true for a binary message, false for text
 * @param data the payload; for text, valid UTF-8
 */
public record Message(long connectionId, boolean binary, byte[] data) {

  /** The payload decoded as UTF-8 (the text of a text message). */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Whether this is a text message. */
  public boolean isText() {
    return !binary;
  }
}
