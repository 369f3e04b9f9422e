package dev.pushwire.server.internal.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Channel patterns: a channel name in which {@code *} stands for any run of characters, possibly
 * empty ({@code *} matches every channel, {@code chat:*} every channel starting with {@code
 * chat:}). Immutable.
 */
public final class ChannelPatterns {
  /** Matches nothing. */
  public static final ChannelPatterns NONE = new ChannelPatterns(List.of());

  private final List<String> patterns;
  private final List<Pattern> compiled;

  /** The patterns in {@code patterns}. */
  public ChannelPatterns(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.compiled = this.patterns.stream().map(ChannelPatterns::compile).toList();
  }

  private static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', start)) {
      regex.append(Pattern.quote(pattern.substring(start, star))).append(".*");
      start = star + 1;
    }
    regex.append(Pattern.quote(pattern.substring(start)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Whether one of the patterns matches all of {@code channel}. */
  public boolean matches(String channel) {
    for (Pattern p : compiled) {
      if (p.matcher(channel).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Whether there are no patterns. */
  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
