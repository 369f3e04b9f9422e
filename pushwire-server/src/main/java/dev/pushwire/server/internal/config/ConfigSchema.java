package dev.pushwire.server.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every key {@code pushwire serve} understands (the table is {@link ConfigKeys}), looked up by its
 * YAML name or its environment variable. The YAML file, the environment and the flags are all read
 * through this one table, so a key means the same wherever it is set.
 */
public final class ConfigSchema {
  private static final List<ConfigKey<?>> KEYS = ConfigKeys.all();

  /** Variables that start with {@code PUSHWIRE_} but are not config keys; they are left alone. */
  public static final Set<String> OTHER_VARIABLES =
      Set.of("PUSHWIRE_CONFIG", "PUSHWIRE_JAVA_OPTS", "PUSHWIRE_JVM_DEFAULTS", "PUSHWIRE_URL");

  /** {@code PUSHWIRE_API_KEY} (one key) is read like {@code PUSHWIRE_API_KEYS}. */
  public static final String API_KEY_VARIABLE = "PUSHWIRE_API_KEY";

  private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, ConfigKey<?>> BY_ENV = new LinkedHashMap<>();

  static {
    for (ConfigKey<?> k : KEYS) {
      BY_NAME.put(k.name(), k);
      BY_ENV.put(k.envName(), k);
    }
  }

  private ConfigSchema() {}

  /** Every key, in documentation order. */
  public static List<ConfigKey<?>> keys() {
    return KEYS;
  }

  /** The key called {@code name} (dotted), or {@code null}. */
  public static ConfigKey<?> key(String name) {
    return BY_NAME.get(name);
  }

  /** The key whose environment variable is {@code variable}, or {@code null}. */
  public static ConfigKey<?> keyForEnv(String variable) {
    return BY_ENV.get(variable);
  }

  /** Whether {@code name} is a section that holds keys, such as {@code history}. */
  public static boolean isSection(String name) {
    String prefix = name + ".";
    for (String k : BY_NAME.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The keys directly inside {@code section} ({@code ""} for the top level), for messages. */
  public static Set<String> namesIn(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    Set<String> out = new TreeSet<>();
    for (String k : BY_NAME.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        int dot = rest.indexOf('.');
        out.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return out;
  }

  /** Every environment variable name, in documentation order. */
  public static List<String> envNames() {
    return new ArrayList<>(BY_ENV.keySet());
  }
}
