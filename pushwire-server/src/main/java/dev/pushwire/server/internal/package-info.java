/**
 * Implementation of the {@code pushwire} program, by concern: {@code api} (HTTP API, operations
 * endpoints, dashboard, publisher socket), {@code config} (the one schema of keys), {@code
 * backends}, {@code metrics}, {@code daemon} and {@code auth}; here, what several of them share
 * (the node's context and readiness, the tick timer, build information). Not API: anything here may
 * change without notice.
 */
package dev.pushwire.server.internal;
