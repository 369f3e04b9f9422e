package dev.pushwire.bench;

import dev.pushwire.bench.internal.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --duration}, for the scenarios that measure for a while after a warm-up. */
final class DurationOption {
  @Option(
      names = "--duration",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to measure, after the warm-up (default: ${DEFAULT-VALUE}).")
  Duration duration;

  /** Throws a usage error when the duration is not longer than 0. */
  void check(CommandSpec spec) {
    Checks.positive(spec, "--duration", duration);
  }
}
