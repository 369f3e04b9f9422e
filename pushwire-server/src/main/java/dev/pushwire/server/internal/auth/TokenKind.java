package dev.pushwire.server.internal.auth;

/**
 * What a token is for, named by its {@code kind} claim. Each place that takes a token takes one
 * kind only, so that a token minted for one private channel never opens a connection, and a
 * connection token is never taken for a channel it was not minted for.
 */
public enum TokenKind {
  /**
   * {@code "kind": "connection"}: opens a connection as its {@code sub} ({@code ?token=}, {@code
   * Authorization: Bearer}, the {@code connect} command) and renews one ({@code refresh}).
   */
  CONNECTION("connection"),
  /**
   * {@code "kind": "subscription"}: lets a connection subscribe to the one private channel in its
   * {@code channel} claim, in the {@code subscribe} command's {@code token} field.
   */
  SUBSCRIPTION("subscription");

  /** The claim that names a token's kind. */
  public static final String CLAIM = "kind";

  private final String value;

  TokenKind(String value) {
    this.value = value;
  }

  /** The claim's value, for example {@code connection}. */
  public String value() {
    return value;
  }

  /** The kind whose claim value is {@code value}, or {@code null}. */
  static TokenKind of(String value) {
    for (TokenKind k : values()) {
      if (k.value.equals(value)) {
        return k;
      }
    }
    return null;
  }
}
