/**
 * The node's HTTP side: the API router and its routes (publish, channels, connections, stats), API
 * keys and their channel scopes, the operations endpoints ({@code /healthz}, {@code /readyz},
 * {@code /metrics}), the dashboard and its static files, and the publisher socket. Not API.
 */
package dev.pushwire.server.internal.api;
