package dev.pushwire.client;

/**
 * A failure that no returned stage reports: a subscription refused or ended by the node (a {@link
 * PushwireException} with its code), a retried subscribe, a listener that threw, a message from the
 * node that could not be read.
 *
 * @param error what went wrong
 * @param channel the channel it concerns, or {@code null}
 */
public record ErrorEvent(Throwable error, String channel) {}
