package dev.pushwire.client;

import java.util.Objects;

/**
 * A command or subscription failed. {@link #code()} is the protocol's error code from the node's
 * reply ({@code bad_channel}, {@code forbidden}, ...; see docs/PROTOCOL.md "Error codes"), or one
 * of the client's own: {@link #TIMEOUT}, {@link #DISCONNECTED}, {@link #BAD_RESPONSE}.
 */
public class PushwireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The command was malformed (should not happen with this client). */
  public static final String BAD_REQUEST = "bad_request";

  /** The channel name breaks the naming rules. */
  public static final String BAD_CHANNEL = "bad_channel";

  /** The node's access policy does not allow this. */
  public static final String FORBIDDEN = "forbidden";

  /** The connection has no valid token yet, or the token was refused. */
  public static final String UNAUTHORIZED = "unauthorized";

  /** The node thinks the connection is already subscribed to the channel. */
  public static final String ALREADY_SUBSCRIBED = "already_subscribed";

  /** The subscription ended before it was complete. */
  public static final String NOT_SUBSCRIBED = "not_subscribed";

  /** The connection is at the node's subscription limit. */
  public static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";

  /** The node's command rate limit refused the command; it was not run. */
  public static final String RATE_LIMITED = "rate_limited";

  /** A backend of the node (broker, registry) cannot be reached. */
  public static final String UNAVAILABLE = "unavailable";

  /** An unexpected failure inside the node. */
  public static final String INTERNAL = "internal";

  /** The client's own: no reply within {@link ClientConfig#commandTimeout()}. */
  public static final String TIMEOUT = "timeout";

  /**
   * The client's own: the command was sent and the connection closed before its reply, or the
   * client was closed, or it gave up reconnecting. Whether a sent command ran is unknown.
   */
  public static final String DISCONNECTED = "disconnected";

  /** The client's own: the node sent something this client cannot read. */
  public static final String BAD_RESPONSE = "bad_response";

  private final String code;

  /** A failure with {@code code} and {@code message}. */
  public PushwireException(String code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure with {@code code} and {@code message}, caused by {@code cause}. */
  public PushwireException(String code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The error code: the protocol's, or {@link #TIMEOUT}, {@link #DISCONNECTED}, ... */
  public String code() {
    return code;
  }
}
