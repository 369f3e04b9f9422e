package dev.pushwire.client;

import java.util.List;

/**
 * A channel's history.
 *
 * @param channel the channel
 * @param position the channel's latest position (offset 0 when nothing was published in this epoch)
 * @param publications the publications asked for, oldest first
 * @param recoverable with {@link HistoryOptions#since()}: whether history still holds every
 *     publication after it (false also when its epoch is not the channel's); without: {@code null}
 */
public record HistoryResult(
    String channel, Position position, List<Publication> publications, Boolean recoverable) {

  public HistoryResult {
    publications = List.copyOf(publications);
  }
}
