package dev.pushwire.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message the node sent to this one connection, not to a channel (the HTTP API's {@code POST
 * /api/push}). It is in no history, so one sent while the client was disconnected is not recovered.
 *
 * @param data the JSON value sent
 */
public record DirectMessage(JsonNode data) {}
