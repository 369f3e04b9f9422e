/**
 * How the Memcached registry stores, indexes, writes and reads records, and the threads it runs on.
 * Not API.
 */
package dev.pushwire.memcached.internal;
