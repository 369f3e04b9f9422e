/**
 * The machinery of the load generator: opening WebSocket connections on Netty with the fewest
 * allocations per message, the sessions that drive each scenario, and the accounting (latency
 * histograms, sequence tracking, failure reasons, resident memory). Not API: the commands in {@code
 * dev.pushwire.bench} are.
 */
package dev.pushwire.bench.internal;
