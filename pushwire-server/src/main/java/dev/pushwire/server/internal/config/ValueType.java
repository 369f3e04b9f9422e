package dev.pushwire.server.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.ChannelName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * How one config value is read from text (environment variables, flags, YAML scalars) and from YAML
 * sequences, and what is expected of it. {@link #parse} throws {@link IllegalArgumentException} for
 * a bad value; the caller names the key.
 *
 * @param <T> the typed value
 */
public final class ValueType<T> {
  private final String expected;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;
  private final ValueType<String> element;
  private final UnaryOperator<String> shown;

  private ValueType(
      String expected,
      Function<String, T> parser,
      Function<T, String> formatter,
      ValueType<String> element) {
    this(expected, parser, formatter, element, UnaryOperator.identity());
  }

  private ValueType(
      String expected,
      Function<String, T> parser,
      Function<T, String> formatter,
      ValueType<String> element,
      UnaryOperator<String> shown) {
    this.expected = expected;
    this.parser = parser;
    this.formatter = formatter;
    this.element = element;
    this.shown = shown;
  }

  /**
   * This type, with raw text passed through {@code redactor} before an error message quotes it: a
   * backend URI that fails to parse may still hold a password.
   */
  public ValueType<T> redactingWith(UnaryOperator<String> redactor) {
    return new ValueType<>(expected, parser, formatter, element, redactor);
  }

  /** {@code text} as an error message may quote it. */
  public String shown(String text) {
    return shown.apply(text);
  }

  /** What a good value looks like, for {@code (expected ...)} in error messages. */
  public String expected() {
    return expected;
  }

  /** Whether the value is a list (a YAML sequence, or comma-separated text). */
  public boolean isList() {
    return element != null;
  }

  /** The type of each element of a list type. */
  public ValueType<String> element() {
    return element;
  }

  /** Reads {@code text}; throws {@link IllegalArgumentException} if it is not a good value. */
  public T parse(String text) {
    return parser.apply(text);
  }

  /** Writes {@code value} the way {@link #parse} reads it. */
  public String format(T value) {
    return formatter.apply(value);
  }

  /** Whether a YAML node of this shape may hold the value (scalars; sequences for lists). */
  public boolean accepts(JsonNode node) {
    return node.isValueNode() || (isList() && node.isArray());
  }

  /**
   * A value read by {@code parser}, which throws {@link IllegalArgumentException} for a bad one,
   * and written by {@code formatter}.
   */
  public static <T> ValueType<T> of(
      String expected, Function<String, T> parser, Function<T, String> formatter) {
    return new ValueType<>(expected, parser, formatter, null);
  }

  /** Text: anything that is not blank. */
  public static ValueType<String> text(String expected) {
    return new ValueType<>(
        expected,
        s -> {
          if (s.isBlank()) {
            throw new IllegalArgumentException("blank");
          }
          return s.trim();
        },
        s -> s,
        null);
  }

  /** Text that matches {@code pattern} as a whole. */
  public static ValueType<String> matching(Pattern pattern, String expected) {
    return new ValueType<>(
        expected,
        s -> {
          if (!pattern.matcher(s).matches()) {
            throw new IllegalArgumentException(s);
          }
          return s;
        },
        s -> s,
        null);
  }

  /** Text, possibly empty. */
  public static ValueType<String> anyText(String expected) {
    return new ValueType<>(expected, s -> s, s -> s, null);
  }

  /** A URL path: starts with {@code /}, no query, no spaces. */
  public static ValueType<String> path() {
    return new ValueType<>(
        "a path starting with /",
        s -> {
          String p = s.trim();
          if (!p.startsWith("/") || p.contains("?") || p.contains("#") || p.contains(" ")) {
            throw new IllegalArgumentException(p);
          }
          return p;
        },
        s -> s,
        null);
  }

  /** A channel name ({@link ChannelName}). */
  public static ValueType<String> channel() {
    return new ValueType<>(
        "a channel name: 1-200 characters of A-Z a-z 0-9 _ . : @ / -",
        s -> {
          if (!ChannelName.isValid(s)) {
            throw new IllegalArgumentException(s);
          }
          return s;
        },
        s -> s,
        null);
  }

  /** An integer from {@code min} to {@code max}. */
  public static ValueType<Integer> integer(int min, int max, String expected) {
    return new ValueType<>(
        expected,
        s -> {
          int v;
          try {
            v = Integer.parseInt(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s, e);
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException(s);
          }
          return v;
        },
        String::valueOf,
        null);
  }

  /** A byte size ({@link SizeText}) of at least {@code min}. */
  public static ValueType<Integer> size(int min) {
    return new ValueType<>(
        SizeText.EXPECTED,
        s -> {
          int v = SizeText.parse(s);
          if (v < min) {
            throw new IllegalArgumentException(s);
          }
          return v;
        },
        v -> SizeText.format(v),
        null);
  }

  /** A duration ({@link DurationText}): zero (meaning off) or at least {@code min}. */
  public static ValueType<Duration> durationOrOff(Duration min, String expected) {
    return new ValueType<>(
        expected,
        s -> {
          Duration d = DurationText.parse(s);
          if (!d.isZero() && d.compareTo(min) < 0) {
            throw new IllegalArgumentException(s);
          }
          return d;
        },
        DurationText::format,
        null);
  }

  /** A duration ({@link DurationText}) of at least {@code min}. */
  public static ValueType<Duration> durationAtLeast(Duration min, String expected) {
    return new ValueType<>(
        expected,
        s -> {
          Duration d = DurationText.parse(s);
          if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(s);
          }
          return d;
        },
        DurationText::format,
        null);
  }

  /** A positive duration ({@link DurationText}). */
  public static ValueType<Duration> positiveDuration() {
    return new ValueType<>(
        "a positive duration such as 30s, 5m, 1h",
        s -> {
          Duration d = DurationText.parse(s);
          if (d.isZero()) {
            throw new IllegalArgumentException(s);
          }
          return d;
        },
        DurationText::format,
        null);
  }

  /** {@code true} or {@code false} (also {@code yes/no}, {@code on/off}). */
  public static ValueType<Boolean> bool() {
    return new ValueType<>(
        "true or false",
        s -> {
          switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
              return true;
            case "false":
            case "no":
            case "off":
              return false;
            default:
              throw new IllegalArgumentException(s);
          }
        },
        String::valueOf,
        null);
  }

  /** One of {@code values}, written in lower case. */
  public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    String expected =
        names.size() == 2
            ? names.get(0) + " or " + names.get(1)
            : "one of " + String.join(", ", names);
    return new ValueType<>(
        expected,
        s -> {
          for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
              return e;
            }
          }
          throw new IllegalArgumentException(s);
        },
        e -> e.name().toLowerCase(Locale.ROOT),
        null);
  }

  /**
   * A list of {@code element}: a YAML sequence, or comma-separated text. {@code allowEmpty} decides
   * whether an empty list is a good value.
   */
  public static ValueType<List<String>> listOf(ValueType<String> element, boolean allowEmpty) {
    return new ValueType<>(
        element.expected(),
        s -> {
          List<String> out = new ArrayList<>();
          for (String part : s.split(",", -1)) {
            if (!part.isBlank()) {
              out.add(element.parse(part.trim()));
            }
          }
          if (out.isEmpty() && !allowEmpty) {
            throw new IllegalArgumentException(s);
          }
          return List.copyOf(out);
        },
        l -> String.join(",", l),
        element);
  }
}
