package dev.pushwire.hub;

import dev.pushwire.core.ConnectionInfo;

/**
 * Decides what a client connection may do. Consulted for {@code pushwire.v1} commands and for the
 * channels plain clients name in their URL; calls made through the Java API of {@link Hub} are
 * trusted and not checked. Called on the connection's event loop: must not block.
 *
 * <p>The defaults: anyone may subscribe, read history and read presence; no client may publish.
 */
public interface AccessPolicy {

  /** The defaults described above. */
  AccessPolicy DEFAULT = new AccessPolicy() {};

  /** Whether {@code connection} may subscribe to {@code channel} (default: yes). */
  default boolean canSubscribe(ConnectionInfo connection, String channel) {
    return true;
  }

  /**
   * Whether {@code connection} may subscribe to {@code channel} with the {@code token} its {@code
   * subscribe} command carries (a per-channel subscription token, or {@code null} for none). May
   * throw a {@link HubException} to refuse with its own code and message. Default: ignores the
   * token and asks {@link #canSubscribe(ConnectionInfo, String)}.
   */
  default boolean canSubscribe(ConnectionInfo connection, String channel, String token) {
    return canSubscribe(connection, channel);
  }

  /** Whether {@code connection} may publish to {@code channel} (default: no). */
  default boolean canPublish(ConnectionInfo connection, String channel) {
    return false;
  }

  /** Whether {@code connection} may read {@code channel}'s history (default: yes). */
  default boolean canReadHistory(ConnectionInfo connection, String channel) {
    return true;
  }

  /** Whether {@code connection} may read {@code channel}'s presence (default: yes). */
  default boolean canReadPresence(ConnectionInfo connection, String channel) {
    return true;
  }
}
