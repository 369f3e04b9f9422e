/**
 * The {@code pushwire} program: a push node ({@link dev.pushwire.server.PushwireNode}) that puts an
 * HTTP API, an authenticated publisher socket and a timer in front of a {@link
 * dev.pushwire.hub.Hub}, its configuration ({@link dev.pushwire.server.ServerConfig}, loaded from
 * YAML, {@code PUSHWIRE_*} environment variables and flags by {@link
 * dev.pushwire.server.ConfigLoader}), and the command line ({@link
 * dev.pushwire.server.cli.PushwireCommand} with {@code serve}, {@code client}, {@code publish} and
 * {@code version}).
 */
package dev.pushwire.server;
