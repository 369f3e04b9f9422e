/**
 * How the Redis backends work inside: the Lettuce connections, the Lua scripts, the wire format of
 * publications and registry records, and per-channel gap filling. Not API.
 */
package dev.pushwire.redis.internal;
