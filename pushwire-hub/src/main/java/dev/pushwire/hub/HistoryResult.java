package dev.pushwire.hub;

import java.util.List;
import java.util.Objects;

/**
 * A read of a channel's history.
 *
 * @param publications in ascending offset order, as selected by {@link HistoryOptions}
 * @param offset the channel's top offset (of its latest publication; 0 before the first)
 * @param epoch the channel's current epoch
 * @param recoverable true when {@link HistoryOptions#since()} was given and everything published
 *     after it is still kept: same epoch, not ahead of the top, and no publication after it
 *     trimmed. False when {@code since} was absent.
 */
public record HistoryResult(
    List<Publication> publications, long offset, String epoch, boolean recoverable) {

  public HistoryResult {
    publications = List.copyOf(publications);
    Objects.requireNonNull(epoch, "epoch");
  }

  /** The channel's top position. */
  public StreamPosition top() {
    return new StreamPosition(offset, epoch);
  }
}
