/**
 * {@code pushwire bench}: a WebSocket load generator that works against any WebSocket server, with
 * the scenarios {@link dev.pushwire.bench.EchoCommand echo}, {@link
 * dev.pushwire.bench.FanoutCommand fanout}, {@link dev.pushwire.bench.ConnectCommand connect} and
 * {@link dev.pushwire.bench.IdleCommand idle}. Run it with {@link dev.pushwire.bench.BenchMain}, or
 * mount {@link dev.pushwire.bench.BenchCommand} as a subcommand of another picocli program.
 */
package dev.pushwire.bench;
