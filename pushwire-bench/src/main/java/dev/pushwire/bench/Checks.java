package dev.pushwire.bench;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option checks that end in a usage error naming the option. */
final class Checks {
  private Checks() {}

  static void positive(CommandSpec spec, String option, long value) {
    if (value <= 0) {
      throw new ParameterException(
          spec.commandLine(), option + " must be greater than 0: " + value);
    }
  }

  static void notNegative(CommandSpec spec, String option, long value) {
    if (value < 0) {
      throw new ParameterException(spec.commandLine(), option + " must be 0 or more");
    }
  }

  static void positive(CommandSpec spec, String option, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ParameterException(spec.commandLine(), option + " must be longer than 0");
    }
  }

  static void notNegative(CommandSpec spec, String option, Duration value) {
    if (value.isNegative()) {
      throw new ParameterException(spec.commandLine(), option + " must not be negative");
    }
  }

  static void atMost(CommandSpec spec, String option, long value, long max, String why) {
    if (value > max) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at most " + max + " (" + why + "): " + value);
    }
  }
}
