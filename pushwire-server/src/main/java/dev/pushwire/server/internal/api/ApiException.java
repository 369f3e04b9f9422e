package dev.pushwire.server.internal.api;

/**
 * An HTTP API request that cannot be served as asked: the status, a machine {@code code} and a
 * human message, answered as {@code {"error":{"code":...,"message":...}}}.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  /** A failure answered with {@code status}, {@code code} and {@code message}. */
  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** 400 {@code bad_request}. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The machine-readable reason, for example {@code bad_request}. */
  public String code() {
    return code;
  }
}
