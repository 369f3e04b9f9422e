package dev.pushwire.hub;

import dev.pushwire.core.ConnectionInfo;

/**
 * Names the user behind a new connection, for presence. Called once per connection on its event
 * loop when it opens: must not block.
 */
@FunctionalInterface
public interface UserResolver {

  /** No users: every connection is anonymous. */
  UserResolver NONE = connection -> null;

  /** The user of {@code connection}, or {@code null} when not known. */
  String user(ConnectionInfo connection);
}
