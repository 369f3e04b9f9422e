package dev.pushwire.hub;

/**
 * Counts of who is subscribed to a channel.
 *
 * @param connections subscribed connections
 * @param users distinct known users among them (connections without a user are not counted)
 */
public record PresenceStats(int connections, int users) {}
