package dev.pushwire.client;

/** How a {@link PushwireClient} hands its connection token to the node (docs/PROTOCOL.md). */
public enum TokenDelivery {
  /** As the query parameter {@code ?token=} of the upgrade request (what browsers do). */
  QUERY,
  /** As the header {@code Authorization: Bearer TOKEN} of the upgrade request. */
  HEADER,
  /**
   * In the first {@code pushwire.v1} command, {@code connect}, once the WebSocket is open; every
   * other command waits for its reply. The node's answer names the user ({@link
   * ConnectedEvent#user()}).
   */
  CONNECT_COMMAND
}
