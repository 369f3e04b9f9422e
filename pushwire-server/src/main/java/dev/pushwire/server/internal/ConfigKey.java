package dev.pushwire.server.internal;

import dev.pushwire.server.ServerConfig;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One setting of {@code pushwire serve}: its YAML key (dotted for nested sections, for example
 * {@code history.size}), its environment variable, how its value is read, and where it goes in
 * {@link ServerConfig}.
 *
 * @param name the YAML key, dotted
 * @param type how the value is read and checked
 * @param setter puts a value into a config builder
 * @param getter reads the value back from a config
 * @param <T> the typed value
 */
public record ConfigKey<T>(
    String name,
    ValueType<T> type,
    BiConsumer<ServerConfig.Builder, T> setter,
    Function<ServerConfig, T> getter) {

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
  public void apply(ServerConfig.Builder builder, Object value) {
    setter.accept(builder, (T) value);
  }

  /** {@code config}'s value of this key, as text. */
  public String formatted(ServerConfig config) {
    T value = getter.apply(config);
    return value == null ? "" : type.format(value);
  }
}
