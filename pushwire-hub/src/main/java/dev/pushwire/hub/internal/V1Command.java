package dev.pushwire.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.StreamPosition;

/**
 * A well-formed {@code pushwire.v1} command: its id, op and fields, checked for presence and type
 * by {@link V1CommandDecoder}. Fields an op does not take are {@code null}.
 *
 * @param data {@code publish}: the data; {@code subscribe}: the subscription token, if any; an
 *     extra op of the {@code CommandHandler}: the whole command
 */
record V1Command(
    JsonNode id, String op, String channel, StreamPosition since, Integer limit, JsonNode data) {}
