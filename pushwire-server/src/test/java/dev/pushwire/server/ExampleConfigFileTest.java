package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.server.internal.config.ConfigKey;
import dev.pushwire.server.internal.config.ConfigSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code docs/pushwire.example.yaml} shows every key with its default, and loads as is. */
class ExampleConfigFileTest {
  private final Path file = RepoRoot.get().resolve("docs/pushwire.example.yaml");

  @Test
  void loadsToTheDefaults() throws Exception {
    ServerConfig c = new ConfigLoader(Map.of()).load(file, List.of());
    assertThat(c.toString()).isEqualTo(ServerConfig.DEFAULT.toString());
  }

  @Test
  void namesEveryKeyAndItsVariable() throws Exception {
    String text = Files.readString(file);
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      String leaf = key.name().substring(key.name().lastIndexOf('.') + 1);
      assertThat(text).as("key %s", key.name()).containsPattern("(?m)^\\s*" + leaf + ":");
      assertThat(text).as("variable of %s", key.name()).contains(key.envName());
    }
  }
}
