package dev.pushwire.hub;

import java.util.Objects;

/**
 * The outcome of a subscription.
 *
 * @param channel the channel
 * @param recovered true when a {@code since} position was given and every publication after it was
 *     delivered from history (then live ones follow with no gap and no duplicate); false when no
 *     position was given or it could not be recovered (the client should resync)
 * @param offset the channel's top offset when the subscription went live; live publications follow
 *     from {@code offset + 1}
 * @param epoch the channel's epoch
 * @param recoveredPublications how many publications were delivered from history
 */
public record SubscribeResult(
    String channel, boolean recovered, long offset, String epoch, int recoveredPublications) {

  public SubscribeResult {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(epoch, "epoch");
  }

  /** The channel's top position when the subscription went live. */
  public StreamPosition position() {
    return new StreamPosition(offset, epoch);
  }
}
