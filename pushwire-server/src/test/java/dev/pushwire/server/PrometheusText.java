package dev.pushwire.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples parsed from the Prometheus text format: {@code name{labels} value} lines, keyed by {@code
 * name{labels}} exactly as written (labels sorted, as Micrometer writes them), comments skipped.
 */
final class PrometheusText {
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private PrometheusText(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  static PrometheusText parse(String text) {
    return new PrometheusText(text);
  }

  /** The value of sample {@code key} ({@code name} or {@code name{a="x",b="y"}}). */
  double value(String key) {
    Double v = samples.get(key);
    if (v == null) {
      throw new AssertionError("no sample " + key + " in " + samples.keySet());
    }
    return v;
  }

  /** Whether there is a sample {@code key}. */
  boolean has(String key) {
    return samples.containsKey(key);
  }

  /** Every sample name with its labels. */
  Map<String, Double> samples() {
    return samples;
  }
}
