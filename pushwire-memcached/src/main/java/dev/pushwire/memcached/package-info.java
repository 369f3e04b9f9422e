/**
 * A Memcached backend for the hub: {@link dev.pushwire.memcached.MemcachedRegistry}, the connection
 * registry and presence of every node, configured by {@link
 * dev.pushwire.memcached.MemcachedConfig}. Built on XMemcached.
 */
package dev.pushwire.memcached;
