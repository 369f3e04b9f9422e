package dev.pushwire.core;

/**
 * What the server does with a connection whose outbound buffer stays above the high water mark (see
 * {@link ServerSettings#writeBufferHighWaterMark()}).
 *
 * <p>Either way a slow reader never grows the server's memory without bound and never delays
 * delivery to the other connections.
 */
public enum SlowConsumerPolicy {
  /** Skip messages for the connection while it is above the high water mark, and count them. */
  DROP,
  /** Close the connection with {@link CloseCodes#POLICY_VIOLATION} (1008) and a reason. */
  CLOSE
}
