package dev.pushwire.server.internal.config;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 100ms}, {@code 1s}, {@code 5m}, {@code 1h} flags ({@link DurationText}). */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (expected " + DurationText.EXPECTED + ")");
    }
  }
}
