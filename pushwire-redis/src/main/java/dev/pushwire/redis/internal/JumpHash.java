package dev.pushwire.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * Places a channel on one of {@code n} shards: Lamping and Veach's jump consistent hash of the
 * 64-bit FNV-1a hash of the channel name's UTF-8 bytes, as Centrifugo places channels on its Redis
 * shards. The result depends only on the name and {@code n}: every node and every release places a
 * channel alike, and going from {@code n} to {@code n + 1} shards moves only the channels that land
 * on the new last shard, about one in {@code n + 1}.
 */
public final class JumpHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private JumpHash() {}

  /** The shard, 0 to {@code shards - 1}, of {@code channel}. */
  public static int shardOf(String channel, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards is " + shards + ": expected 1 or more");
    }
    return jump(fnv1a(channel.getBytes(StandardCharsets.UTF_8)), shards);
  }

  static long fnv1a(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }

  /** Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
  static int jump(long key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }
}
