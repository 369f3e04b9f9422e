/**
 * A Java client of Pushwire nodes for the {@code pushwire.v1} protocol (docs/PROTOCOL.md, and
 * docs/CLIENT.md for this SDK): start at {@link dev.pushwire.client.PushwireClient}. Subscriptions
 * survive lost connections and failed nodes: each resubscribes with the position of the last
 * publication handled, duplicates are dropped, gaps are refilled from history, and what history no
 * longer holds is reported to {@link dev.pushwire.client.PushwireClient#onLost}.
 */
package dev.pushwire.client;
