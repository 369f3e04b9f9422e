/**
 * The node's Micrometer meters, by area (connections, hub, deliveries, publishers, backends, the
 * runtime), its counters, and the broker and registry wrappers that count and time backend calls.
 * Not API.
 */
package dev.pushwire.server.internal.metrics;
