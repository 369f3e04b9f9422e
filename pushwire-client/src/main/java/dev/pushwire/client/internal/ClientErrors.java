package dev.pushwire.client.internal;

import dev.pushwire.client.PushwireException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The {@link PushwireException}s the client makes, and the unwrapping of failed stages. */
final class ClientErrors {
  private ClientErrors() {}

  static PushwireException closed() {
    return new PushwireException(PushwireException.DISCONNECTED, "the client was closed");
  }

  static PushwireException badResponse(String message) {
    return new PushwireException(PushwireException.BAD_RESPONSE, message);
  }

  /** The {@link PushwireException} behind {@code e}; any other failure is a lost connection. */
  static PushwireException unwrap(Throwable e) {
    Throwable t = cause(e);
    return t instanceof PushwireException p
        ? p
        : new PushwireException(PushwireException.DISCONNECTED, message(t), t);
  }

  static boolean isCode(Throwable e, String code) {
    return code.equals(unwrap(e).code());
  }

  static String message(Throwable e) {
    Throwable t = cause(e);
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Throwable cause(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
