/**
 * The Netty implementation of {@link dev.pushwire.core.WebSocketClient}: the client's state machine
 * with reconnect, and the per-connection pipeline handlers. Not API: types here may change without
 * notice.
 */
package dev.pushwire.core.internal.client;
