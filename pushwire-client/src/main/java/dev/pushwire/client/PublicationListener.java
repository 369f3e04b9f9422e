package dev.pushwire.client;

/**
 * Receives the publications of one subscription, each once and in offset order. Called on the
 * client's event loop: must not block. An exception it throws is reported to {@link
 * PushwireClient#onError} and does not end the subscription.
 */
@FunctionalInterface
public interface PublicationListener {
  /** A publication arrived, live or recovered from history. */
  void onPublication(Publication publication) throws Exception;
}
