package dev.pushwire.client;

/**
 * Receives one kind of client event ({@link ConnectedEvent}, {@link LostEvent}, ...). Called on the
 * client's event loop: must not block. An exception it throws is reported to {@link
 * PushwireClient#onError} (or logged, if the error listener threw it).
 *
 * @param <E> the event type
 */
@FunctionalInterface
public interface EventListener<E> {
  /** The event happened. */
  void on(E event) throws Exception;
}
