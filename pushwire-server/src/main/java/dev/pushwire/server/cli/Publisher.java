package dev.pushwire.server.cli;

import java.util.concurrent.CompletionStage;

/**
 * One way for {@code pushwire publish} to publish: {@link HttpPublisher}, {@link SocketPublisher}.
 */
interface Publisher extends AutoCloseable {
  /** Publishes one message; the stage fails with a {@link PublishFailure}. */
  CompletionStage<Void> publish(String text);

  @Override
  void close();
}
