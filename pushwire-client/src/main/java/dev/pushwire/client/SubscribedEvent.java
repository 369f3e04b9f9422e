package dev.pushwire.client;

/**
 * A subscription is live: the node's answer to {@code subscribe}.
 *
 * @param channel the channel
 * @param recovered true when the subscription asked for publications after a position ({@code
 *     since}) and every one of them follows; false otherwise (then {@link PushwireClient#onLost}
 *     has reported what is missing, if anything)
 * @param resubscribed false for the subscription's first answer, true for the answers after a
 *     reconnect or a resubscribe
 * @param position the channel's position when the subscription went live
 */
public record SubscribedEvent(
    String channel, boolean recovered, boolean resubscribed, Position position) {}
