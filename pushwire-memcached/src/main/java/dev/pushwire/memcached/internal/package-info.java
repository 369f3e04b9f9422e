/** How the Memcached registry stores and indexes records inside. Not API. */
package dev.pushwire.memcached.internal;
