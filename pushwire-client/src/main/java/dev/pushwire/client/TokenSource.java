package dev.pushwire.client;

import java.util.concurrent.CompletionStage;

/**
 * Supplies the connection token (a JWT), asked once before every connection attempt, so that a
 * client that reconnects after its token expired (close code 4001) presents a fresh one. Called on
 * the client's event loop: must not block; return an incomplete stage for slow work (say, a call to
 * your auth service). A failed stage, or one that throws, fails that attempt: it is reported to
 * {@link PushwireClient#onReconnecting} and retried with backoff. A {@code null} token means none.
 */
@FunctionalInterface
public interface TokenSource {
  /** The token for the next connection attempt. */
  CompletionStage<String> token();
}
