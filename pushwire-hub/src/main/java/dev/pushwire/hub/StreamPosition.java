package dev.pushwire.hub;

import java.util.Objects;

/**
 * A place in a channel's stream: the offset of the last publication seen, in an epoch. Offsets
 * count from 1 within an epoch; offset 0 is the position before the first publication.
 *
 * @param offset 0 or more
 * @param epoch identifies one unbroken run of offsets; must not be {@code null}
 */
public record StreamPosition(long offset, String epoch) {

  public StreamPosition {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be 0 or more: " + offset);
    }
    Objects.requireNonNull(epoch, "epoch");
  }
}
