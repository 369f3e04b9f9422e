/**
 * Implementation of the hub: the subscription index, recovery, the {@code pushwire.v1} command
 * handler and the push encoder. Not API: anything here may change without notice.
 */
package dev.pushwire.hub.internal;
