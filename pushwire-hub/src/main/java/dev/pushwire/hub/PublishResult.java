package dev.pushwire.hub;

import java.util.Objects;

/**
 * Where a publication landed in its channel's stream.
 *
 * @param offset the offset the broker assigned, from 1
 * @param epoch the epoch of that offset
 */
public record PublishResult(long offset, String epoch) {

  public PublishResult {
    Objects.requireNonNull(epoch, "epoch");
  }

  /** The publication's position. */
  public StreamPosition position() {
    return new StreamPosition(offset, epoch);
  }
}
