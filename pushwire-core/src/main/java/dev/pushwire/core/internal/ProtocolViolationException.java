package dev.pushwire.core.internal;

/**
 * A peer broke the protocol in a way that Netty's codec does not check; the connection handler
 * answers with a close frame carrying {@link #code()}.
 */
final class ProtocolViolationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  ProtocolViolationException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
