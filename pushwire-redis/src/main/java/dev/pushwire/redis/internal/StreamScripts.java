package dev.pushwire.redis.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HistoryResult;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.Publication;
import dev.pushwire.hub.PublishOptions;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.StreamPosition;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The broker's scripts side: runs {@code publish.lua}, {@code history.lua} and {@code keep.lua} on
 * one channel's keys and reads their replies. Every script touches the keys of one channel only,
 * which share a hash slot (see {@link KeySpace}), so each runs on one server in one atomic step
 * with one server or a cluster alike.
 */
public final class StreamScripts {
  private static final LuaScript PUBLISH = LuaScript.load("publish.lua");
  private static final LuaScript HISTORY = LuaScript.load("history.lua");
  private static final LuaScript KEEP = LuaScript.load("keep.lua");

  private final CommandConnection commands;
  private final KeySpace keys;
  private final Clock clock;
  private final String publishCommand;
  private final boolean newEpochOnFailover;

  /**
   * @param publishCommand {@code PUBLISH} or {@code SPUBLISH}, what the publish script sends with
   * @param newEpochOnFailover whether a stream last written under another replication id starts a
   *     new epoch (see publish.lua)
   */
  public StreamScripts(
      CommandConnection commands,
      KeySpace keys,
      Clock clock,
      String publishCommand,
      boolean newEpochOnFailover) {
    this.commands = commands;
    this.keys = keys;
    this.clock = clock;
    this.publishCommand = publishCommand;
    this.newEpochOnFailover = newEpochOnFailover;
  }

  /** Publishes {@code data} on {@code channel}; {@code seen} is where this node is, or null. */
  public CompletionStage<PublishResult> publish(
      String channel, byte[] data, PublishOptions options, StreamPosition seen) {
    return PUBLISH
        .<List<Object>>run(
            commands.async(),
            ScriptOutputType.MULTI,
            channelKeys(channel),
            bytes(keys.channelTopic(channel)),
            bytes(newEpoch()),
            bytes(clock.millis()),
            bytes(options.historySize()),
            bytes(options.historyTtl().toMillis()),
            bytes(options.historyMetaTtl().toMillis()),
            PublicationCodec.body(data, options.info()),
            bytes(seen == null ? "" : seen.epoch()),
            bytes(seen == null ? -1 : seen.offset()),
            bytes(newEpochOnFailover ? 1 : 0),
            bytes(publishCommand))
        .thenApply(r -> new PublishResult((Long) r.get(0), text(r.get(1))));
  }

  /**
   * {@code published}, once {@code wanted} replicas have it (Redis {@code WAIT}, on the connection
   * that wrote it); at once when {@code wanted} is 0. Fails with {@code UNAVAILABLE} when fewer
   * acknowledged within {@code timeout}.
   */
  public CompletionStage<PublishResult> awaitReplicas(
      PublishResult published, int wanted, Duration timeout, String address) {
    if (wanted == 0) {
      return CompletableFuture.completedFuture(published);
    }
    return commands
        .async()
        .waitForReplication(wanted, timeout.toMillis())
        .thenApply(
            got -> {
              if (got < wanted) {
                throw new HubException(
                    ErrorCode.UNAVAILABLE,
                    "Redis at "
                        + address
                        + " has the publication at offset "
                        + published.offset()
                        + " but only "
                        + got
                        + " of "
                        + wanted
                        + " replicas acknowledged it within "
                        + timeout.toMillis()
                        + " ms");
              }
              return published;
            });
  }

  /**
   * The history of {@code channel} after {@code since} (or the latest, with {@code since} null), at
   * most {@code limit}; a stream made by this read lives {@code streamMetaTtlMillis}.
   */
  public CompletionStage<HistoryResult> history(
      String channel, StreamPosition since, int limit, long streamMetaTtlMillis) {
    return HISTORY
        .<List<Object>>run(
            commands.async(),
            ScriptOutputType.MULTI,
            channelKeys(channel),
            bytes(newEpoch()),
            bytes(clock.millis()),
            bytes(streamMetaTtlMillis),
            bytes(since == null ? -1 : since.offset()),
            bytes(since == null ? "" : since.epoch()),
            bytes(limit),
            bytes(PublishOptions.DEFAULT.historyTtl().toMillis()))
        .thenApply(r -> historyResult(r, since != null));
  }

  /** Keeps the position of a channel that has no publication yet for {@code ttlMillis}. */
  public CompletionStage<Long> keep(String channel, long ttlMillis) {
    return KEEP.run(
        commands.async(),
        ScriptOutputType.INTEGER,
        new String[] {keys.metaKey(channel)},
        bytes(ttlMillis));
  }

  /** Drops the channel's history (its position stays). */
  public CompletionStage<Long> removeHistory(String channel) {
    return commands.async().del(keys.historyKey(channel));
  }

  private String[] channelKeys(String channel) {
    return new String[] {keys.metaKey(channel), keys.historyKey(channel)};
  }

  private static HistoryResult historyResult(List<Object> r, boolean withSince) {
    long top = (Long) r.get(0);
    String epoch = text(r.get(1));
    boolean recoverable = withSince && (Long) r.get(2) == 1L;
    List<Publication> publications = new ArrayList<>(r.size() - 3);
    for (int i = r.size() - 1; i >= 3; i--) { // the script returns them newest first
      publications.add(PublicationCodec.decode((byte[]) r.get(i)));
    }
    return new HistoryResult(publications, top, epoch, recoverable);
  }

  private static String newEpoch() {
    // 50 random bits in base 36, as the memory broker makes them.
    String s = Long.toString(ThreadLocalRandom.current().nextLong() >>> 14, 36);
    return "0".repeat(Math.max(0, 10 - s.length())) + s;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(Object bulk) {
    return new String((byte[]) bulk, StandardCharsets.UTF_8);
  }
}
