package dev.pushwire.bench.internal;

/** The WebSocket opening handshake did not finish in time. */
public final class HandshakeTimeoutException extends Exception {
  private static final long serialVersionUID = 1L;

  HandshakeTimeoutException(String message) {
    super(message, null, false, false);
  }
}
