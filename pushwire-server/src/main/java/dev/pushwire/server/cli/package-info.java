/**
 * The {@code pushwire} command line: {@link dev.pushwire.server.cli.Main}, the entry point of the
 * jar, and {@link dev.pushwire.server.cli.PushwireCommand} with its subcommands ({@code serve},
 * {@code client}, {@code publish}, {@code token}, {@code status}, {@code stop}, {@code version}).
 * Not API: {@code PushwireCommand} and {@code ServeCommand} are public for the tests that parse
 * their flags, and may change without notice.
 */
package dev.pushwire.server.cli;
