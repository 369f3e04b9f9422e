package dev.pushwire.hub;

import dev.pushwire.core.ConnectionInfo;
import java.util.concurrent.CompletionStage;

/**
 * Extra {@code pushwire.v1} commands, run by the application (say, {@code refresh} to renew a
 * connection token). The hub parses the command, applies the rate limit, and replies with the
 * command's id and the result, or the error code of a failed stage's {@link HubException}. Called
 * on the connection's event loop: must not block.
 */
public interface CommandHandler {

  /** No extra commands. */
  CommandHandler NONE =
      new CommandHandler() {
        @Override
        public boolean handles(String op) {
          return false;
        }

        @Override
        public CompletionStage<String> handle(
            ConnectionInfo connection, String op, String command) {
          throw new UnsupportedOperationException(op);
        }
      };

  /**
   * Called before every {@code pushwire.v1} command of {@code connection} runs (after the rate
   * limit): throws a {@link HubException} to refuse it with that error instead. Default: admits
   * everything.
   */
  default void admit(ConnectionInfo connection, String op) {}

  /** Whether this handler runs commands with {@code op}. */
  boolean handles(String op);

  /**
   * Runs one command.
   *
   * @param command the whole command, a JSON object's text
   * @return the result, a JSON object's text; fails with a {@link HubException} to reply an error
   */
  CompletionStage<String> handle(ConnectionInfo connection, String op, String command);
}
