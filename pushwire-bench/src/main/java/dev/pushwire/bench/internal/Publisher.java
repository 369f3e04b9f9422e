package dev.pushwire.bench.internal;

import java.time.Duration;

/**
 * How a fan-out run publishes: over a WebSocket to a server that broadcasts what it receives, to
 * Pushwire's publisher socket, or with Pushwire's HTTP API. Called from the one publishing thread.
 */
public interface Publisher extends AutoCloseable {
  /** Connects; throws with a clear message when it cannot. */
  void open() throws Exception;

  /** Publishes message {@code seq}, a payload of {@code size} bytes stamped with the time now. */
  void publish(long seq, int size);

  /** Sends what {@link #publish} buffered. */
  void flush();

  /** Waits up to {@code timeout} for answers to what was published (HTTP). */
  void awaitAnswers(Duration timeout);

  /** Messages handed to the server. */
  long sent();

  /** Messages the server refused (an HTTP error, an error reply on the publisher socket). */
  Failures errors();

  /** What this publisher is, for the summary: {@code ws ws://...}. */
  String describe();

  @Override
  void close();
}
