package dev.pushwire.hub;

/**
 * Machine-readable reasons a hub operation failed. The {@link #code()} is what {@code pushwire.v1}
 * clients see in {@code {"error":{"code":...}}}; see {@code docs/PROTOCOL.md}.
 */
public enum ErrorCode {
  /** The command was not valid JSON, not an object, or lacked or mistyped a field. */
  BAD_REQUEST("bad_request"),
  /** The command's {@code op} is not one the protocol knows. */
  UNKNOWN_OP("unknown_op"),
  /** A channel name broke the naming rules ({@link ChannelName}). */
  BAD_CHANNEL("bad_channel"),
  /** The {@link AccessPolicy} refused the operation. */
  FORBIDDEN("forbidden"),
  /**
   * The connection has not authenticated yet (it must send {@code connect} with a token first), or
   * the token in {@code connect} was refused.
   */
  UNAUTHORIZED("unauthorized"),
  /** The connection is already subscribed to the channel. */
  ALREADY_SUBSCRIBED("already_subscribed"),
  /** The subscription ended (unsubscribe or close) before it was complete. */
  NOT_SUBSCRIBED("not_subscribed"),
  /** The connection would exceed {@link HubConfig#maxSubscriptionsPerConnection()}. */
  TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
  /**
   * The connection sent commands faster than {@link HubConfig#commandRate()} allows; the command
   * was not run. Going on closes the connection with 1008.
   */
  RATE_LIMITED("rate_limited"),
  /**
   * The publication would start a channel beyond the most a node keeps ({@code
   * MemoryBroker#maxChannels()}); existing channels can still be published to.
   */
  TOO_MANY_CHANNELS("too_many_channels"),
  /** No open connection managed by this hub has the given id. */
  NO_CONNECTION("no_connection"),
  /** A backend (broker or registry) cannot be reached; trying again later may work. */
  UNAVAILABLE("unavailable"),
  /** An unexpected failure inside the node. */
  INTERNAL("internal");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The wire form, for example {@code bad_channel}. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}
