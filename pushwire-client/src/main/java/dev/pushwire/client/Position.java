package dev.pushwire.client;

import java.util.Objects;

/**
 * A place in a channel's stream: the offset of a publication and the epoch it belongs to. Offsets
 * count 1, 2, 3, ... per channel within an epoch; the epoch changes when the channel's history was
 * lost. Keep the position of the last publication you handled and give it back as {@code since} to
 * carry on from there (see {@link PushwireClient#subscribe(String, Position,
 * PublicationListener)}).
 *
 * <p>Its text form, {@code OFFSET:EPOCH} (for example {@code 42:0k3j5x9q2a}), is what {@link
 * #toString()} returns and {@link #parse(String)} reads, so a position can be saved as one string.
 *
 * @param offset the offset, 0 or more (0: before the first publication)
 * @param epoch the epoch, a non-empty string
 */
public record Position(long offset, String epoch) {

  public Position {
    Objects.requireNonNull(epoch, "epoch");
    if (offset < 0) {
      throw new IllegalArgumentException("offset: bad value '" + offset + "' (expected 0 or more)");
    }
    if (epoch.isEmpty()) {
      throw new IllegalArgumentException("epoch: bad value '' (expected a non-empty string)");
    }
  }

  /**
   * Reads the text form {@code OFFSET:EPOCH}.
   *
   * @throws IllegalArgumentException naming {@code text} if it is not of that form
   */
  public static Position parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    if (colon > 0 && colon < text.length() - 1) {
      try {
        long offset = Long.parseLong(text.substring(0, colon));
        if (offset >= 0) {
          return new Position(offset, text.substring(colon + 1));
        }
      } catch (NumberFormatException e) {
        // reported below, with the whole text
      }
    }
    throw new IllegalArgumentException(
        "position: bad value '" + text + "' (expected OFFSET:EPOCH, e.g. 42:0k3j5x9q2a)");
  }

  /** {@code OFFSET:EPOCH}, the form {@link #parse(String)} reads. */
  @Override
  public String toString() {
    return offset + ":" + epoch;
  }
}
