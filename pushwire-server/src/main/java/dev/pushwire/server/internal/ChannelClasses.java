package dev.pushwire.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Groups channels into a bounded set of classes for metric labels: a channel's class is its name up
 * to the first {@code :} ({@code chat:room42} is {@code chat}), {@value #NONE} for names without
 * one. Channel names come from clients, so the classes are capped: once {@code max} are known,
 * every new one is {@value #OTHER}, and a metric has at most {@code max + 1} series per label.
 */
public final class ChannelClasses {
  /** The class of channel names without a {@code :}. */
  public static final String NONE = "none";

  /** The class of every channel once the cap is reached. */
  public static final String OTHER = "other";

  /** How many classes a node labels by default. */
  public static final int DEFAULT_MAX = 50;

  private final int max;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  /** Classes capped at {@code max}. */
  public ChannelClasses(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be 1 or more: " + max);
    }
    this.max = max;
  }

  /** The class of {@code channel}. */
  public String of(String channel) {
    int colon = channel.indexOf(':');
    String name = colon <= 0 ? NONE : channel.substring(0, colon);
    if (known.contains(name)) {
      return name;
    }
    synchronized (known) {
      if (known.size() >= max) {
        return OTHER;
      }
      known.add(name);
      return name;
    }
  }
}
