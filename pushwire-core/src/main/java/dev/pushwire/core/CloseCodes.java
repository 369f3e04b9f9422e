package dev.pushwire.core;

/** WebSocket close status codes (RFC 6455 section 7.4) that the server sends or accepts. */
public final class CloseCodes {
  /** 1000: the purpose of the connection has been fulfilled. */
  public static final int NORMAL = 1000;

  /** 1001: the server is going down or the peer went away (idle timeout, shutdown). */
  public static final int GOING_AWAY = 1001;

  /** 1002: the peer broke the protocol. */
  public static final int PROTOCOL_ERROR = 1002;

  /** 1003: the peer sent a kind of data that the endpoint cannot accept. */
  public static final int UNSUPPORTED_DATA = 1003;

  /** 1005: no status code was present (reported locally, never sent). */
  public static final int NO_STATUS = 1005;

  /** 1006: the connection closed without a close frame (reported locally, never sent). */
  public static final int ABNORMAL = 1006;

  /** 1007: a text message or close reason was not valid UTF-8, or compressed data was corrupt. */
  public static final int INVALID_PAYLOAD = 1007;

  /** 1008: the peer violated a policy (for example the slow-consumer policy). */
  public static final int POLICY_VIOLATION = 1008;

  /** 1009: a message was larger than the configured maximum. */
  public static final int MESSAGE_TOO_BIG = 1009;

  /** 1011: the server met an unexpected condition. */
  public static final int INTERNAL_ERROR = 1011;

  /** 1013: the server is overloaded; try again later. */
  public static final int TRY_AGAIN_LATER = 1013;

  private CloseCodes() {}

  /**
   * Whether {@code code} may appear in a close frame on the wire (RFC 6455 section 7.4.1 and the
   * IANA registry): 1000-1003, 1007-1014 and the application range 3000-4999.
   */
  public static boolean isValidOnWire(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }
}
