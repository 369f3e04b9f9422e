package dev.pushwire.server.internal.auth;

/** A connection token that is missing, malformed, badly signed, expired or lacks a claim. */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A refusal whose message can be shown to the client. */
  public TokenException(String message) {
    super(message, null, false, false);
  }
}
