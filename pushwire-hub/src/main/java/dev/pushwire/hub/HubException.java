package dev.pushwire.hub;

import java.util.Objects;

/**
 * A hub operation failed for a reason the caller can act on: a machine {@link #code()} plus a human
 * message that says what was wrong and what is expected.
 */
public class HubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** A failure with {@code code} and a human {@code message}; neither may be {@code null}. */
  public HubException(ErrorCode code, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure with {@code code}, a human {@code message} and the underlying {@code cause}. */
  public HubException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The machine-readable reason. */
  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return "HubException[" + code.code() + "]: " + getMessage();
  }
}
