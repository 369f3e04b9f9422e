package dev.pushwire.hub;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One message published to a channel, as the broker stored and delivers it.
 *
 * <p>The hub stores JSON text (UTF-8) in {@code data}; brokers treat it as opaque bytes. The array
 * is shared, not copied: do not modify it.
 *
 * @param offset the publication's offset in its channel, from 1
 * @param epoch the epoch the offset belongs to; must not be {@code null}
 * @param data the payload; must not be {@code null}
 * @param publishedAt when the broker accepted it, in milliseconds since the Unix epoch (used for
 *     history age limits and delivery latency)
 * @param info optional string attributes set by the publisher (empty when none)
 */
public record Publication(
    long offset, String epoch, byte[] data, long publishedAt, Map<String, String> info) {

  public Publication {
    if (offset < 1) {
      throw new IllegalArgumentException("offset must be 1 or more: " + offset);
    }
    Objects.requireNonNull(epoch, "epoch");
    Objects.requireNonNull(data, "data");
    info = info == null ? Map.of() : Map.copyOf(info);
  }

  /** A publication without info. */
  public Publication(long offset, String epoch, byte[] data, long publishedAt) {
    this(offset, epoch, data, publishedAt, Map.of());
  }

  /** Where this publication sits in its channel's stream. */
  public StreamPosition position() {
    return new StreamPosition(offset, epoch);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Publication p
        && offset == p.offset
        && publishedAt == p.publishedAt
        && epoch.equals(p.epoch)
        && Arrays.equals(data, p.data)
        && info.equals(p.info);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, epoch, Arrays.hashCode(data), publishedAt, info);
  }

  @Override
  public String toString() {
    return "Publication{offset="
        + offset
        + ", epoch="
        + epoch
        + ", data="
        + data.length
        + " bytes, publishedAt="
        + publishedAt
        + (info.isEmpty() ? "" : ", info=" + info)
        + '}';
  }
}
