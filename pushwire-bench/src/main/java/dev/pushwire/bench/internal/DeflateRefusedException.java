package dev.pushwire.bench.internal;

/**
 * The server completed the upgrade without accepting the permessage-deflate the client required.
 */
public final class DeflateRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The reason counted among a run's connect failures. */
  public static final String REASON = "server did not accept permessage-deflate";

  DeflateRefusedException() {
    super(REASON, null, false, false);
  }
}
