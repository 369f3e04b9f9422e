package dev.pushwire.server.internal.config;

import dev.pushwire.server.ServerConfig;
import dev.pushwire.server.ServerConfigBuilder;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One setting of {@code pushwire serve}: its YAML key (dotted for nested sections, for example
 * {@code history.size}), its environment variable, its flag if it has one, how its value is read,
 * and where it goes in {@link ServerConfig}.
 *
 * @param name the YAML key, dotted
 * @param type how the value is read and checked
 * @param setter puts a value into a config builder
 * @param getter reads the value back from a config
 * @param flag the flag of {@code pushwire serve} that sets it, or {@code null} for none
 * @param secret whether the value is a secret, which is never printed
 * @param <T> the typed value
 */
public record ConfigKey<T>(
    String name,
    ValueType<T> type,
    BiConsumer<ServerConfigBuilder, T> setter,
    Function<ServerConfig, T> getter,
    Flag flag,
    boolean secret) {

  /**
   * A flag of {@code pushwire serve}. A list key's flag may be repeated; a yes/no key's flag takes
   * no value and has a {@code --no-} form.
   *
   * @param name the flag, for example {@code --history-size}
   * @param label what its value is, for example {@code N}; unused for a yes/no key
   * @param description one line for {@code --help}, ending with the default in parentheses
   */
  public record Flag(String name, String label, String description) {}

  /** A key without a flag that is not secret. */
  public ConfigKey(
      String name,
      ValueType<T> type,
      BiConsumer<ServerConfigBuilder, T> setter,
      Function<ServerConfig, T> getter) {
    this(name, type, setter, getter, null, false);
  }

  /** This key, set by the flag {@code name} too. */
  public ConfigKey<T> flag(String name, String label, String description) {
    return new ConfigKey<>(
        this.name, type, setter, getter, new Flag(name, label, description), secret);
  }

  /** This key, whose value is never printed. */
  public ConfigKey<T> asSecret() {
    return new ConfigKey<>(name, type, setter, getter, flag, true);
  }

  /**
   * The environment variable: {@code PUSHWIRE_} and the key in upper case, {@code .-} as {@code _}.
   */
  public String envName() {
    return envName(name);
  }

  /** The environment variable of key {@code name}. */
  public static String envName(String name) {
    return "PUSHWIRE_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Sets {@code value} (which {@link #type} produced) on {@code builder}. */
  @SuppressWarnings("unchecked")
  public void apply(ServerConfigBuilder builder, Object value) {
    setter.accept(builder, (T) value);
  }

  /** {@code config}'s value of this key, as text. */
  public String formatted(ServerConfig config) {
    T value = getter.apply(config);
    return value == null ? "" : type.format(value);
  }

  /** {@code config}'s value as text, or for a secret only whether it is set (or how many). */
  public String shown(ServerConfig config) {
    if (!secret) {
      return formatted(config);
    }
    T value = getter.apply(config);
    if (value instanceof List<?> list) {
      return list.size() + " set";
    }
    return value == null ? "unset" : "set";
  }
}
