package dev.pushwire.server.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pushwire.server.ServerConfig;
import java.util.List;

/**
 * Writes a {@link ServerConfig} as the YAML that {@code --config} reads, for {@code serve --check}.
 * API keys and the admin secret are secrets: only whether they are set is written, in comments.
 */
public final class ConfigYaml {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private ConfigYaml() {}

  /** {@code config} as YAML, every key but the secrets ({@code api.keys}, {@code admin.secret}). */
  public static String write(ServerConfig config) {
    ObjectNode root = YAML.createObjectNode();
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      if (key.secret()) {
        continue;
      }
      Object value = key.getter().apply(config);
      if (value == null) {
        continue;
      }
      ObjectNode section = root;
      String[] parts = key.name().split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        section =
            section.has(parts[i])
                ? (ObjectNode) section.get(parts[i])
                : section.putObject(parts[i]);
      }
      String name = parts[parts.length - 1];
      String text = key.formatted(config);
      if (value instanceof List<?> list) {
        ArrayNode array = section.putArray(name);
        list.forEach(v -> array.add(String.valueOf(v)));
      } else if (value instanceof Boolean b) {
        section.put(name, b);
      } else if (value instanceof Integer n && text.equals(n.toString())) {
        section.put(name, n);
      } else {
        section.put(name, text);
      }
    }
    String keys =
        (config.apiKeys().isEmpty()
                ? "# api.keys: none: serve generates one at start-up\n"
                : "# api.keys: " + config.apiKeys().size() + " key(s), not shown\n")
            + (config.adminSecret() == null
                ? "# admin.secret: none\n"
                : "# admin.secret: set, not shown\n")
            + (config.auth().hmacSecret() == null ? "" : "# auth.hmac-secret: set, not shown\n");
    try {
      return YAML.writeValueAsString(root) + keys;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }
}
