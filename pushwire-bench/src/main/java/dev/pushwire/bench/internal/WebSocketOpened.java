package dev.pushwire.bench.internal;

/**
 * The user event fired down the pipeline when the opening handshake has completed: from here on the
 * channel carries WebSocket frames, and a session may start sending.
 */
public enum WebSocketOpened {
  INSTANCE
}
