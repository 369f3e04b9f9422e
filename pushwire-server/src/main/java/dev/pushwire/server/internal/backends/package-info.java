/**
 * Opening the broker and the registry a node is configured with (memory, Redis standalone, Sentinel
 * or Cluster, Memcached) from their URIs, and standing in for them while they cannot be reached at
 * start. Not API.
 */
package dev.pushwire.server.internal.backends;
