package dev.pushwire.client;

import java.net.URI;

/**
 * An open connection closed. Commands sent on it that had no reply failed with {@link
 * PushwireException#DISCONNECTED}.
 *
 * @param uri the node's URI, without the token
 * @param code the close code: the node's (for example {@code 1001} when it shuts down, {@code 4001}
 *     when the token expired, {@code 4008} when the client did not read fast enough), {@code 1006}
 *     when the connection was lost without a close frame, {@code 1000} after {@link
 *     PushwireClient#close()}
 * @param reason the close reason, or an empty string
 * @param reconnect whether the client will reconnect (and resubscribe with {@code since})
 */
public record DisconnectedEvent(URI uri, int code, String reason, boolean reconnect) {}
