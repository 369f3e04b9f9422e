/**
 * Running as a daemon: starting the node in the background, its PID file, and the signals that
 * drain it. Not API.
 */
package dev.pushwire.server.internal.daemon;
