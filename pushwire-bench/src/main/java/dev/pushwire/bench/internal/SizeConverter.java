package dev.pushwire.bench.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a byte count: {@code 256}, {@code 1k} or {@code 1KiB} (1024), {@code 1m} or {@code 1MiB}.
 */
public final class SizeConverter implements ITypeConverter<Integer> {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?");

  @Override
  public Integer convert(String value) {
    Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a size: write it like 256, 1k (1024 bytes) or 1m");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long bytes = unit.startsWith("k") ? n * 1024 : unit.startsWith("m") ? n * 1024 * 1024 : n;
    if (bytes > Integer.MAX_VALUE) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    return (int) bytes;
  }
}
