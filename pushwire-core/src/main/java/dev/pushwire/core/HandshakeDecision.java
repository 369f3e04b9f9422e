package dev.pushwire.core;

import java.util.Objects;

/**
 * The application's answer to a {@link HandshakeRequest}: accept (optionally with a chosen
 * subprotocol) or reject with an HTTP status and a body.
 */
public final class HandshakeDecision {
  private static final HandshakeDecision ACCEPT_DEFAULT = new HandshakeDecision(true, null, 0, "");

  private final boolean accepted;
  private final String subprotocol;
  private final int status;
  private final String body;

  private HandshakeDecision(boolean accepted, String subprotocol, int status, String body) {
    this.accepted = accepted;
    this.subprotocol = subprotocol;
    this.status = status;
    this.body = body;
  }

  /** Accept with the subprotocol the server selected by default (if any). */
  public static HandshakeDecision accept() {
    return ACCEPT_DEFAULT;
  }

  /**
   * Accept with {@code subprotocol}, which must be one the client offered; {@code null} accepts
   * with no subprotocol.
   */
  public static HandshakeDecision acceptWith(String subprotocol) {
    return new HandshakeDecision(true, subprotocol == null ? "" : subprotocol, 0, "");
  }

  /** Refuse the upgrade with an HTTP {@code status} (400-599) and a plain-text {@code body}. */
  public static HandshakeDecision reject(int status, String body) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("reject status must be 400-599: " + status);
    }
    return new HandshakeDecision(false, null, status, Objects.requireNonNull(body, "body"));
  }

  /** Whether the upgrade goes ahead. */
  public boolean accepted() {
    return accepted;
  }

  /**
   * The subprotocol chosen by the application: {@code null} to keep the server's default choice, an
   * empty string for none.
   */
  public String subprotocol() {
    return subprotocol;
  }

  /** The HTTP status of a refusal. */
  public int status() {
    return status;
  }

  /** The body of a refusal. */
  public String body() {
    return body;
  }

  @Override
  public String toString() {
    return accepted
        ? "accept(" + (subprotocol == null ? "default" : subprotocol) + ")"
        : "reject(" + status + ", " + body + ")";
  }
}
