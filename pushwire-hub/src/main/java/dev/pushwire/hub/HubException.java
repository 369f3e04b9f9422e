package dev.pushwire.hub;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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

  /**
   * A limit of the parser's, in this project's words: Jackson's own text names its internal methods
   * ({@code StreamReadConstraints.getMaxNestingDepth()}), which means nothing to a client. Here so
   * that the hub's errors and the HTTP API's answers word it the same.
   */
  public static String limitDetail(StreamConstraintsException e, StreamReadConstraints limits) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("NestingDepth")) {
      return "JSON nested more than " + limits.getMaxNestingDepth() + " levels deep";
    }
    if (m.contains("NumberLength")) {
      return "a number longer than " + limits.getMaxNumberLength() + " characters";
    }
    if (m.contains("StringLength")) {
      return "a string longer than " + limits.getMaxStringLength() + " characters";
    }
    if (m.contains("NameLength")) {
      return "a field name longer than " + limits.getMaxNameLength() + " characters";
    }
    return "JSON larger or deeper than this server reads";
  }

  @Override
  public String toString() {
    return "HubException[" + code.code() + "]: " + getMessage();
  }
}
