package dev.pushwire.client;

import java.net.URI;

/**
 * A connection opened (and, with {@link TokenDelivery#CONNECT_COMMAND}, its {@code connect} was
 * accepted); subscriptions are being (re)established, then queued commands are sent.
 *
 * @param uri the node's URI, without the token
 * @param user the user the node named in its {@code connect} reply, or {@code null}
 * @param reconnected false for the first connection, true for every later one
 */
public record ConnectedEvent(URI uri, String user, boolean reconnected) {}
