/**
 * Push semantics on top of {@code pushwire-core}: channels, publish and subscribe, bounded history
 * with offsets and epochs, recovery without gap or duplicate, presence, and the {@code pushwire.v1}
 * JSON protocol.
 *
 * <p>{@link dev.pushwire.hub.Hub} wires a {@link dev.pushwire.core.WebSocketServer} to a {@link
 * dev.pushwire.hub.spi.Broker} (offsets, history, cross-node delivery) and a {@link
 * dev.pushwire.hub.spi.Registry} (connections and presence). {@link dev.pushwire.hub.MemoryBroker}
 * and {@link dev.pushwire.hub.MemoryRegistry} are the embedded single-node defaults; other modules
 * implement the same interfaces on Redis and Memcached.
 */
package dev.pushwire.hub;
