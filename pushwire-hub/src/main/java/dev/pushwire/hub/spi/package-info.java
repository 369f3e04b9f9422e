/**
 * What a backend module implements and builds on: the {@link dev.pushwire.hub.spi.Broker} that
 * carries publications between nodes and keeps history (with its {@link
 * dev.pushwire.hub.spi.BrokerListener}), the {@link dev.pushwire.hub.spi.Registry} of connections
 * and presence, the {@link dev.pushwire.hub.spi.BackendHealth} that backs their availability and
 * logs an outage in a few lines, the one JSON form in which every registry stores its records
 * ({@link dev.pushwire.hub.spi.RecordCodec}, so that the Redis and the Memcached registry cannot
 * drift apart), {@link dev.pushwire.hub.spi.PresenceMaps}, which keeps the in-memory presence
 * copies of every registry changing the same way, and the node-to-node bus ({@link
 * dev.pushwire.hub.spi.NodeBus}) through which the server reaches another node without knowing
 * which backend links them. The in-memory implementations ({@link dev.pushwire.hub.MemoryBroker},
 * {@link dev.pushwire.hub.MemoryRegistry}) stay in the hub's API, since applications construct
 * them.
 */
package dev.pushwire.hub.spi;
