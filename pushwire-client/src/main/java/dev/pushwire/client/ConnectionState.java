package dev.pushwire.client;

/** Where a {@link PushwireClient}'s connection is, as {@link PushwireClient#state()} reports it. */
public enum ConnectionState {
  /**
   * Not connected: {@link PushwireClient#connect()} was not called yet, or reconnecting gave up.
   */
  DISCONNECTED,
  /** A connection is being opened (token, TCP, TLS, handshake, and the {@code connect} command). */
  CONNECTING,
  /** Connected: commands flow and subscriptions are (re)established. */
  OPEN,
  /** Waiting before the next connection attempt. */
  RECONNECTING,
  /** {@link PushwireClient#close()} was called; nothing more happens. */
  CLOSED
}
