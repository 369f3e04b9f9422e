/**
 * What backend modules build on besides the {@link dev.pushwire.hub.Broker} and {@link
 * dev.pushwire.hub.Registry} interfaces: the one JSON form in which every registry stores its
 * records, so that the Redis and the Memcached registry cannot drift apart, and the node-to-node
 * bus ({@link dev.pushwire.hub.spi.NodeBus}) through which the server reaches another node without
 * knowing which backend links them. {@link dev.pushwire.hub.spi.PresenceMaps} keeps the in-memory
 * presence copies of every registry changing the same way.
 */
package dev.pushwire.hub.spi;
