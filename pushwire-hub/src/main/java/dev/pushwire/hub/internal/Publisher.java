package dev.pushwire.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PublishResult;
import dev.pushwire.hub.spi.Broker;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes to the {@link Broker}: checks the channel and the data once, at the edge, then carries
 * the data as UTF-8 bytes that the broker keeps without a copy. See {@code docs/PUBLICATION.md}.
 */
final class Publisher {
  private final Broker broker;
  private final HubConfig config;
  private final LimitCounters limits;

  Publisher(Broker broker, HubConfig config, LimitCounters limits) {
    this.broker = broker;
    this.config = config;
    this.limits = limits;
  }

  /** Publishes {@code json}, checked to be one JSON value. */
  CompletionStage<PublishResult> publish(String channel, String json) {
    try {
      ChannelName.requireValid(channel);
      return publishJson(channel, Json.requireJson(json));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  /** Publishes {@code data} as compact JSON. */
  CompletionStage<PublishResult> publish(String channel, JsonNode data) {
    try {
      ChannelName.requireValid(channel);
      if (data == null || data.isMissingNode()) {
        throw new HubException(ErrorCode.BAD_REQUEST, "data is missing (expected a JSON value)");
      }
      return publishData(channel, Json.writeBytes(data));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  /** Publishes {@code text} as a JSON string. */
  CompletionStage<PublishResult> publishText(String channel, String text) {
    try {
      ChannelName.requireValid(channel);
      Objects.requireNonNull(text, "text");
      return publishJson(channel, Json.quote(text));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.toHubException(e, "publish"));
    }
  }

  /** Publishes JSON text already known to be valid to an already checked channel. */
  CompletableFuture<PublishResult> publishJson(String channel, String json) {
    return publishData(channel, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Publishes {@code data}, UTF-8 JSON already known to be valid, to an already checked channel.
   * The array is handed over: nothing may touch it afterwards, so the broker may keep it without a
   * copy.
   */
  CompletableFuture<PublishResult> publishData(String channel, byte[] data) {
    CompletableFuture<PublishResult> published =
        Futures.call(
            () -> broker.publishOwned(channel, data, config.publishOptions(channel)),
            "broker publish");
    return published.whenComplete(
        (r, e) -> {
          if (e != null
              && Futures.unwrap(e) instanceof HubException h
              && h.code() == ErrorCode.TOO_MANY_CHANNELS) {
            limits.increment(LimitCounters.TOO_MANY_CHANNELS);
          }
        });
  }
}
