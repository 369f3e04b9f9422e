package dev.pushwire.bench.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run summary, kept twice: aligned text lines for people and a JSON object (for {@code
 * --json}) for scripts such as {@code scripts/bench-compare}.
 */
public final class Summary {
  private final String title;
  private final Map<String, Object> json = new LinkedHashMap<>();
  private final List<String[]> lines = new ArrayList<>();

  /** A summary headed {@code title}, whose JSON names {@code mode}. */
  public Summary(String mode, String title) {
    this.title = title;
    json.put("mode", mode);
  }

  /** A value in both forms. */
  public Summary value(String key, String label, Object value) {
    json.put(key, value);
    lines.add(new String[] {label, format(value)});
    return this;
  }

  /** A value in both forms, with a unit after the text. */
  public Summary value(String key, String label, Object value, String unit) {
    json.put(key, value);
    lines.add(new String[] {label, format(value) + " " + unit});
    return this;
  }

  /** A JSON-only value. */
  public Summary json(String key, Object value) {
    json.put(key, value);
    return this;
  }

  /** A text-only line. */
  public Summary text(String label, String text) {
    lines.add(new String[] {label, text});
    return this;
  }

  /** Latency percentiles: an object of milliseconds in JSON, one line in text. */
  public Summary latency(String key, String label, LatencySummary l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", l.count());
    m.put("mean", round(l.mean()));
    m.put("p50", round(l.p50()));
    m.put("p90", round(l.p90()));
    m.put("p99", round(l.p99()));
    m.put("p999", round(l.p999()));
    m.put("max", round(l.max()));
    json.put(key, m);
    lines.add(new String[] {label, l.line()});
    return this;
  }

  /** Counts by reason: an object in JSON, {@code none} or {@code reason: n, ...} in text. */
  public Summary failures(String key, String label, Map<String, Long> byReason) {
    json.put(key, byReason);
    StringBuilder sb = new StringBuilder();
    byReason.forEach(
        (r, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(r).append(": ").append(format(n)));
    lines.add(new String[] {label, sb.length() == 0 ? "none" : sb.toString()});
    return this;
  }

  /** The JSON object's entries. */
  public Map<String, Object> asMap() {
    return json;
  }

  /** Prints the summary as text or as one JSON line. */
  public void print(PrintWriter out, boolean asJson) {
    if (asJson) {
      out.println(Json.write(json));
      out.flush();
      return;
    }
    int width = 0;
    for (String[] l : lines) {
      width = Math.max(width, l[0].length());
    }
    out.println(title);
    for (String[] l : lines) {
      out.println("  " + l[0] + " ".repeat(width - l[0].length()) + "  " + l[1]);
    }
    out.flush();
  }

  /** {@code v} with at most three decimals. */
  public static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A number with thousands separators; other values as they print. */
  public static String format(Object v) {
    if (v instanceof Long || v instanceof Integer) {
      return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
    }
    if (v instanceof Double d) {
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%,.0f", d)
          : String.format(Locale.ROOT, "%,.2f", d);
    }
    return String.valueOf(v);
  }
}
