package dev.pushwire.bench;

import dev.pushwire.bench.internal.DurationConverter;
import dev.pushwire.bench.internal.LoadSettings;
import dev.pushwire.bench.internal.ProcStatus;
import dev.pushwire.bench.internal.SourceAddresses;
import dev.pushwire.bench.internal.Target;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every scenario shares: where to connect, how, and how to report. */
public final class LoadOptions {
  @Option(
      names = "--url",
      defaultValue = "ws://127.0.0.1:9876/",
      paramLabel = "URL",
      description = "The server's WebSocket URL, on this machine (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "Event loop threads of the generator; 0: one per processor.")
  int threads;

  @Option(
      names = "--concurrency",
      defaultValue = "500",
      paramLabel = "N",
      description = "Handshakes in flight at once while opening connections (default: 500).")
  int concurrency;

  @Option(
      names = "--source-addresses",
      paramLabel = "ADDRS",
      description =
          "Bind connections to these loopback addresses, round-robin, for more than ~28,000"
              + " connections: 127.0.0.1,127.0.0.2 or 127.0.0.1-127.0.0.4 (or 127.0.0.1-4).")
  String sourceAddresses;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up on one connection not open by then: TCP connect plus upgrade.")
  Duration connectTimeout;

  @Option(
      names = "--open-timeout",
      defaultValue = "120s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up opening the connections after this long altogether.")
  Duration openTimeout;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "An extra header for every upgrade request; repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--pid",
      defaultValue = "0",
      paramLabel = "PID",
      description =
          "The server's process id: echo, fanout and connect then report its CPU use; idle"
              + " needs it to read the server's memory.")
  long pid;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress lines (they go to standard error once a second).")
  boolean quiet;

  /** Checks the options; {@code connections} is the command's connection count. */
  LoadSettings settings(CommandSpec spec, int connections) {
    Target target = target(spec, url);
    Checks.positive(spec, "--connections", connections);
    Checks.positive(spec, "--concurrency", concurrency);
    Checks.positive(spec, "--connect-timeout", connectTimeout);
    Checks.positive(spec, "--open-timeout", openTimeout);
    if (threads < 0) {
      throw new ParameterException(spec.commandLine(), "--threads must be 0 or more: " + threads);
    }
    sources(spec);
    HttpHeaders h = new DefaultHttpHeaders();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--header '" + header + "': write it as 'NAME: VALUE'");
      }
      h.add(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    if (pid < 0) {
      throw new ParameterException(spec.commandLine(), "--pid must be a process id: " + pid);
    }
    if (pid > 0) {
      try {
        ProcStatus.rssBytes(pid);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--pid " + pid + ": " + e.getMessage());
      }
    }
    return new LoadSettings(target, h, connections, concurrency, openTimeout, pid);
  }

  /** The parsed source addresses. */
  SourceAddresses sources(CommandSpec spec) {
    try {
      return SourceAddresses.parse(sourceAddresses);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--source-addresses: " + e.getMessage());
    }
  }

  static Target target(CommandSpec spec, String url) {
    try {
      return Target.webSocket(url);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--url " + e.getMessage());
    }
  }
}
