package dev.pushwire.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pushwire.server.internal.config.ConfigKey;
import dev.pushwire.server.internal.config.ConfigSchema;
import dev.pushwire.server.internal.config.NameSuggestions;
import dev.pushwire.server.internal.config.ValueType;
import dev.pushwire.server.internal.config.YamlSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds a {@link ServerConfig} from three sources, each overriding the one before: a YAML file,
 * {@code PUSHWIRE_*} environment variables, and command-line flags.
 *
 * <p>Environment variables are named after the YAML key: {@code PUSHWIRE_} and the key in upper
 * case with {@code .} and {@code -} written as {@code _}: {@code port} is {@code PUSHWIRE_PORT},
 * {@code history.size} is {@code PUSHWIRE_HISTORY_SIZE}, {@code api.keys} is {@code
 * PUSHWIRE_API_KEYS} (and {@code PUSHWIRE_API_KEY} for a single key). Lists are comma-separated. An
 * unknown {@code PUSHWIRE_*} variable is an error, except {@code PUSHWIRE_CONFIG}, {@code
 * PUSHWIRE_JAVA_OPTS}, {@code PUSHWIRE_JVM_DEFAULTS} and {@code PUSHWIRE_URL}, which the launcher
 * and other commands use.
 *
 * <p>Every failure is a {@link ConfigException} that names the key as it was written in its source
 * ({@code history.size} in the file, {@code PUSHWIRE_HISTORY_SIZE}, {@code --history-size}) and the
 * bad value. A YAML {@code null} (an empty value) keeps the default.
 */
public final class ConfigLoader {

  /**
   * A value given on the command line.
   *
   * @param key the config key it sets, for example {@code history.size}
   * @param flag the flag as the user typed it, for example {@code --history-size}
   * @param value the text after the flag
   */
  public record Flag(String key, String flag, String value) {
    public Flag {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(flag, "flag");
      Objects.requireNonNull(value, "value");
    }
  }

  private static final YAMLMapper YAML = yamlMapper();

  private final Map<String, String> env;

  /** A loader that reads {@code env} (for example {@link System#getenv()}) as the environment. */
  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * Loads the config.
   *
   * @param file the YAML file, or {@code null} for none
   * @param flags values from the command line, in order; repeated flags of a list key add up
   * @throws ConfigException naming the first bad key and value
   */
  public ServerConfig load(Path file, List<Flag> flags) throws ConfigException {
    Map<String, Object> values = new LinkedHashMap<>();
    if (file != null) {
      readFile(file, values);
    }
    readEnv(values);
    readFlags(flags, values);
    ServerConfigBuilder builder = ServerConfig.newBuilder();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      ConfigSchema.key(e.getKey()).apply(builder, e.getValue());
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static void readFile(Path file, Map<String, Object> values) throws ConfigException {
    JsonNode root;
    try {
      byte[] bytes = Files.readAllBytes(file);
      root = YAML.readTree(bytes);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config: cannot read '" + file + "' (no such file)");
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException yaml) {
        throw new ConfigException(file + ": not valid YAML " + YamlSyntax.explain(yaml, file));
      }
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new ConfigException(
          file + ": not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException("--config: cannot read '" + file + "' (" + e + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file: every default stands
    }
    if (!root.isObject()) {
      throw new ConfigException(
          file + ": expected a mapping of keys such as 'port: 9876' at the top level");
    }
    readSection("", root, values);
  }

  private static void readSection(String section, JsonNode node, Map<String, Object> values)
      throws ConfigException {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = section.isEmpty() ? field.getKey() : section + "." + field.getKey();
      JsonNode value = field.getValue();
      ConfigKey<?> key = ConfigSchema.key(name);
      if (key != null) {
        if (!value.isNull()) {
          values.put(name, bindYaml(key, value));
        }
      } else if (ConfigSchema.isSection(name)) {
        if (value.isObject()) {
          readSection(name, value, values);
        } else if (!value.isNull()) {
          throw ConfigException.badValue(
              name,
              scalarText(value),
              "a section with the keys " + String.join(", ", ConfigSchema.namesIn(name)));
        }
      } else {
        String suggestion = NameSuggestions.closest(field.getKey(), ConfigSchema.namesIn(section));
        throw new ConfigException(
            name
                + ": unknown key"
                + (suggestion == null
                    ? " (known keys"
                        + (section.isEmpty() ? "" : " in " + section)
                        + ": "
                        + String.join(", ", ConfigSchema.namesIn(section))
                        + ")"
                    : " (did you mean '"
                        + (section.isEmpty() ? "" : section + ".")
                        + suggestion
                        + "'?)"));
      }
    }
  }

  private static Object bindYaml(ConfigKey<?> key, JsonNode node) throws ConfigException {
    ValueType<?> type = key.type();
    if (!type.accepts(node)) {
      throw ConfigException.badValue(key.name(), type.shown(scalarText(node)), type.expected());
    }
    if (type.isList() && node.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode element : node) {
        if (!element.isValueNode() || element.isNull()) {
          throw ConfigException.badValue(key.name(), scalarText(element), type.expected());
        }
        out.add(parseElement(key.name(), type.element(), element.asText()));
      }
      return checkList(key.name(), type, List.copyOf(out), scalarText(node));
    }
    return parse(key.name(), type, node.asText());
  }

  private void readEnv(Map<String, Object> values) throws ConfigException {
    // Sorted, so that the first error reported does not depend on the map's order.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String variable = e.getKey();
      if (!variable.startsWith("PUSHWIRE_")
          || ConfigSchema.OTHER_VARIABLES.contains(variable)
          || variable.equals(ConfigSchema.API_KEY_VARIABLE)) {
        continue;
      }
      ConfigKey<?> key = ConfigSchema.keyForEnv(variable);
      if (key == null) {
        String suggestion = NameSuggestions.closest(variable, ConfigSchema.envNames());
        throw new ConfigException(
            variable
                + ": unknown variable"
                + (suggestion == null
                    ? " (PUSHWIRE_* variables set config keys, for example PUSHWIRE_PORT)"
                    : " (did you mean " + suggestion + "?)"));
      }
      values.put(key.name(), parse(variable, key.type(), e.getValue()));
    }
    String single = env.get(ConfigSchema.API_KEY_VARIABLE);
    if (single != null && !single.isBlank()) {
      ConfigKey<?> key = ConfigSchema.key("api.keys");
      List<String> keys = new ArrayList<>();
      if (env.containsKey(key.envName())) {
        keys.addAll(strings(values.get(key.name())));
      }
      keys.addAll(strings(parse(ConfigSchema.API_KEY_VARIABLE, key.type(), single)));
      values.put(key.name(), List.copyOf(keys));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return (List<String>) list;
  }

  private static void readFlags(List<Flag> flags, Map<String, Object> values)
      throws ConfigException {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (Flag flag : flags) {
      ConfigKey<?> key = ConfigSchema.key(flag.key());
      if (key == null) {
        throw new IllegalArgumentException("no config key " + flag.key() + " for " + flag.flag());
      }
      Object value = parse(flag.flag(), key.type(), flag.value());
      if (key.type().isList()) {
        lists.computeIfAbsent(key.name(), k -> new ArrayList<>()).addAll(strings(value));
        values.put(key.name(), List.copyOf(lists.get(key.name())));
      } else {
        values.put(key.name(), value);
      }
    }
  }

  private static Object parse(String label, ValueType<?> type, String text) throws ConfigException {
    if (type.isList()) {
      List<String> out = new ArrayList<>();
      for (String part : text.split(",", -1)) {
        if (!part.isBlank()) {
          out.add(parseElement(label, type.element(), part.trim()));
        }
      }
      return checkList(label, type, List.copyOf(out), text);
    }
    try {
      return type.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigException.badValue(label, type.shown(text), type.expected());
    }
  }

  private static String parseElement(String label, ValueType<String> element, String text)
      throws ConfigException {
    try {
      return element.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigException.badValue(label, text, element.expected());
    }
  }

  private static Object checkList(String label, ValueType<?> type, List<String> list, String text)
      throws ConfigException {
    if (list.isEmpty()) {
      try {
        return type.parse("");
      } catch (IllegalArgumentException e) {
        throw ConfigException.badValue(label, text, "at least one: " + type.expected());
      }
    }
    return list;
  }

  private static String scalarText(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static YAMLMapper yamlMapper() {
    YAMLMapper mapper = new YAMLMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return mapper;
  }
}
