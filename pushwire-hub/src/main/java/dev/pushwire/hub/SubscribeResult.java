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
 * @param lost the offsets of the current epoch after {@code since} that history no longer holds
 *     (what it still held after them was delivered): after {@code since}'s offset when {@code
 *     since} is in the current epoch, from offset 1 when {@code since}'s epoch ended (then the rest
 *     of that epoch is lost too, unnamed); {@code null} when nothing of the current epoch is lost
 */
public record SubscribeResult(
    String channel,
    boolean recovered,
    long offset,
    String epoch,
    int recoveredPublications,
    OffsetRange lost) {

  public SubscribeResult {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(epoch, "epoch");
    if (recovered && lost != null) {
      throw new IllegalArgumentException("a recovered subscription lost nothing");
    }
  }

  /** A result with nothing lost. */
  public SubscribeResult(
      String channel, boolean recovered, long offset, String epoch, int recoveredPublications) {
    this(channel, recovered, offset, epoch, recoveredPublications, null);
  }

  /** The channel's top position when the subscription went live. */
  public StreamPosition position() {
    return new StreamPosition(offset, epoch);
  }
}
