package dev.pushwire.client;

import java.time.Instant;
import java.util.List;

/**
 * Who is subscribed to a channel, on every node.
 *
 * @param channel the channel
 * @param connections how many connections are subscribed
 * @param users how many distinct known users they have (connections without a user not counted)
 * @param clients one entry per subscribed connection
 */
public record Presence(String channel, int connections, int users, List<Client> clients) {

  public Presence {
    clients = List.copyOf(clients);
  }

  /**
   * One subscribed connection.
   *
   * @param connection its id, {@code NODE:NUMBER}
   * @param user its user, or {@code null}
   * @param node the node it is connected to
   * @param subscribedAt when it subscribed
   */
  public record Client(String connection, String user, String node, Instant subscribedAt) {}
}
