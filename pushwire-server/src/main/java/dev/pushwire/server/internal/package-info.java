/**
 * Implementation of the {@code pushwire} program: the config schema and binder, the HTTP API
 * router, the publisher socket, the tick timer, and the pieces the commands share. Not API:
 * anything here may change without notice.
 */
package dev.pushwire.server.internal;
