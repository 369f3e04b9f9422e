package dev.pushwire.core.conformance;

import java.util.List;
import java.util.Map;

/**
 * What a {@link PeerScript} reported: its JSON result line, plus everything it printed, for
 * assertion messages.
 */
final class PeerResult {
  private final Map<String, Object> json;
  private final List<String> stdout;
  private final List<String> stderr;

  PeerResult(Map<String, Object> json, List<String> stdout, List<String> stderr) {
    this.json = json;
    this.stdout = List.copyOf(stdout);
    this.stderr = List.copyOf(stderr);
  }

  /** The whole result object. */
  Map<String, Object> json() {
    return json;
  }

  /** A value of the result object: a String, Long, Double, Boolean, List, Map or null. */
  Object get(String key) {
    return json.get(key);
  }

  String string(String key) {
    Object v = json.get(key);
    return v == null ? null : v.toString();
  }

  long number(String key) {
    Object v = json.get(key);
    if (!(v instanceof Number)) {
      throw new AssertionError("result has no number '" + key + "': " + this);
    }
    return ((Number) v).longValue();
  }

  boolean flag(String key) {
    return Boolean.TRUE.equals(json.get(key));
  }

  @SuppressWarnings("unchecked")
  List<Object> list(String key) {
    Object v = json.get(key);
    if (!(v instanceof List)) {
      throw new AssertionError("result has no list '" + key + "': " + this);
    }
    return (List<Object>) v;
  }

  @Override
  public String toString() {
    return json
        + "\nstdout: "
        + String.join("\n", stdout)
        + "\nstderr: "
        + String.join("\n", stderr);
  }
}
