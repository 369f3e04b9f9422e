package dev.pushwire.server.cli;

/** A publication could not be made; the message says why, for one line on standard error. */
final class PublishFailure extends Exception {
  private static final long serialVersionUID = 1L;

  PublishFailure(String message) {
    super(message);
  }
}
