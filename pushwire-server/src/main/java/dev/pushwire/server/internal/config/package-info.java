/**
 * The one configuration schema ({@link dev.pushwire.server.internal.config.ConfigKeys}): every
 * key's YAML name, environment variable, flag, type and check, and the readers of YAML, durations
 * and sizes it is built from. Not API.
 */
package dev.pushwire.server.internal.config;
