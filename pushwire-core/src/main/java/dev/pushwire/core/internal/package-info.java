/**
 * The Netty implementation of {@link dev.pushwire.core.WebSocketServer}: pipeline handlers, the
 * connection table and the fan-out path. Not API: types here may change without notice.
 */
package dev.pushwire.core.internal;
