package dev.pushwire.core;

/**
 * Called on the event loop for each valid upgrade request, after the protocol checks (version, key,
 * origin, connection limit) and before the 101 response. Must not block.
 */
@FunctionalInterface
public interface HandshakeListener {
  /** Accept, choose a subprotocol, or refuse with an HTTP status. */
  HandshakeDecision onHandshake(HandshakeRequest request) throws Exception;
}
