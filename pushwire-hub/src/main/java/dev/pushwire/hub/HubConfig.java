package dev.pushwire.hub;

import dev.pushwire.hub.spi.Registry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of a {@link Hub}. Build with {@link #newBuilder()}; derive with {@link
 * #toBuilder()}.
 *
 * <pre>{@code
 * HubConfig cfg = HubConfig.newBuilder()
 *     .historySize(100)
 *     .historyOverride("chat:", 1000, Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
public final class HubConfig {
  public static final int DEFAULT_HISTORY_SIZE = 100;
  public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_HISTORY_META_TTL = Duration.ofHours(24);
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 128;
  public static final int DEFAULT_MAX_GARBAGE_COMMANDS = 5;
  public static final double DEFAULT_COMMAND_RATE = 100;
  public static final int DEFAULT_COMMAND_BURST = 200;
  public static final int DEFAULT_MAX_RATE_LIMITED_COMMANDS = 100;
  public static final String DEFAULT_CHANNEL = "default";
  public static final Duration DEFAULT_REGISTRY_REFRESH_INTERVAL = Duration.ofSeconds(10);

  /** The largest history a channel may keep. */
  public static final int MAX_HISTORY_SIZE = 1_000_000;

  /** Node ids are short so that {@code nodeId:connectionId} stays readable. */
  public static final int MAX_NODE_ID_LENGTH = 64;

  // Declared before DEFAULT: static initialisers run in order and DEFAULT needs a random node id.
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The defaults, with a node id chosen at random once per JVM. */
  public static final HubConfig DEFAULT = newBuilder().build();

  private final String nodeId;
  private final HistoryPolicy history;
  private final Map<String, HistoryPolicy> historyOverrides;
  private final List<String> overridePrefixesLongestFirst;
  private final Duration historyMetaTtl;
  private final int maxSubscriptionsPerConnection;
  private final int maxGarbageCommands;
  private final double commandRate;
  private final int commandBurst;
  private final int maxRateLimitedCommands;
  private final String defaultChannel;
  private final Duration registryRefreshInterval;

  private HubConfig(Builder b, String nodeId, Map<String, HistoryPolicy> overrides) {
    this.nodeId = nodeId;
    this.history = new HistoryPolicy(b.historySize, b.historyTtl);
    this.historyOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    List<String> prefixes = new ArrayList<>(historyOverrides.keySet());
    prefixes.sort(Comparator.comparingInt(String::length).reversed());
    this.overridePrefixesLongestFirst = List.copyOf(prefixes);
    this.historyMetaTtl = b.historyMetaTtl;
    this.maxSubscriptionsPerConnection = b.maxSubscriptionsPerConnection;
    this.maxGarbageCommands = b.maxGarbageCommands;
    this.commandRate = b.commandRate;
    this.commandBurst = b.commandBurst;
    this.maxRateLimitedCommands = b.maxRateLimitedCommands;
    this.defaultChannel = b.defaultChannel;
    this.registryRefreshInterval = b.registryRefreshInterval;
  }

  /** A builder holding the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * This node's id, unique in a cluster; part of every connection's cluster-wide id ({@code
   * nodeId:connectionId}). 1-64 characters of {@code A-Z a-z 0-9 _ . -}.
   */
  public String nodeId() {
    return nodeId;
  }

  /** Publications a channel's history keeps, unless an override applies (default 100). */
  public int historySize() {
    return history.size();
  }

  /** How long a publication stays in history, unless an override applies (default 5 minutes). */
  public Duration historyTtl() {
    return history.ttl();
  }

  /** History bounds per channel-name prefix; the longest matching prefix wins. */
  public Map<String, HistoryPolicy> historyOverrides() {
    return historyOverrides;
  }

  /** The history bounds of {@code channel}: the longest matching override, else the defaults. */
  public HistoryPolicy historyPolicy(String channel) {
    for (String prefix : overridePrefixesLongestFirst) {
      if (channel.startsWith(prefix)) {
        return historyOverrides.get(prefix);
      }
    }
    return history;
  }

  /**
   * How long a channel's top offset and epoch are kept after its last publication (default 24
   * hours). A client that comes back later is told its position cannot be recovered.
   */
  public Duration historyMetaTtl() {
    return historyMetaTtl;
  }

  /** Channels one connection may be subscribed to at once (default 128). */
  public int maxSubscriptionsPerConnection() {
    return maxSubscriptionsPerConnection;
  }

  /**
   * Malformed {@code pushwire.v1} commands in a row after which the connection is closed with 1008
   * (default 5). A well-formed command resets the count.
   */
  public int maxGarbageCommands() {
    return maxGarbageCommands;
  }

  /**
   * {@code pushwire.v1} commands per second one connection may send on average (default 100; 0
   * turns the limit off). A token bucket of {@link #commandBurst()} tokens: a command beyond it is
   * answered with the error {@code rate_limited} and not run.
   */
  public double commandRate() {
    return commandRate;
  }

  /** Commands a connection may send at once before {@link #commandRate()} applies (default 200). */
  public int commandBurst() {
    return commandBurst;
  }

  /**
   * How far a connection's rate-limited commands may outnumber its accepted ones before it is
   * closed with 1008 (default 100): each refused command adds one, each accepted one takes one off.
   */
  public int maxRateLimitedCommands() {
    return maxRateLimitedCommands;
  }

  /** The channel of plain clients that name none in their URL (default {@code default}). */
  public String defaultChannel() {
    return defaultChannel;
  }

  /** How often the hub calls {@link Registry#refresh()} (default 10 seconds). */
  public Duration registryRefreshInterval() {
    return registryRefreshInterval;
  }

  /** The broker options for a publication on {@code channel}. */
  public PublishOptions publishOptions(String channel) {
    return PublishOptions.of(historyPolicy(channel), historyMetaTtl);
  }

  @Override
  public String toString() {
    return "HubConfig{nodeId="
        + nodeId
        + ", historySize="
        + history.size()
        + ", historyTtl="
        + history.ttl()
        + ", historyOverrides="
        + historyOverrides
        + ", historyMetaTtl="
        + historyMetaTtl
        + ", maxSubscriptionsPerConnection="
        + maxSubscriptionsPerConnection
        + ", maxGarbageCommands="
        + maxGarbageCommands
        + ", commandRate="
        + commandRate
        + ", commandBurst="
        + commandBurst
        + ", maxRateLimitedCommands="
        + maxRateLimitedCommands
        + ", defaultChannel="
        + defaultChannel
        + ", registryRefreshInterval="
        + registryRefreshInterval
        + '}';
  }

  /**
   * Whether {@code id} is a valid node id: 1-64 characters of {@code A-Z a-z 0-9 _ . -}, so that it
   * can stand in keys and in global connection ids ({@code nodeId:connectionId}) of every backend.
   */
  public static boolean isValidNodeId(String id) {
    if (id.isEmpty() || id.length() > MAX_NODE_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Builds {@link HubConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private String nodeId;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private Duration historyTtl = DEFAULT_HISTORY_TTL;
    // Kept unchecked until build(), so that build() can name a bad override's key and value.
    private final Map<String, RawOverride> rawOverrides = new LinkedHashMap<>();
    private Duration historyMetaTtl = DEFAULT_HISTORY_META_TTL;
    private int maxSubscriptionsPerConnection = DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    private int maxGarbageCommands = DEFAULT_MAX_GARBAGE_COMMANDS;
    private double commandRate = DEFAULT_COMMAND_RATE;
    private int commandBurst = DEFAULT_COMMAND_BURST;
    private int maxRateLimitedCommands = DEFAULT_MAX_RATE_LIMITED_COMMANDS;
    private String defaultChannel = DEFAULT_CHANNEL;
    private Duration registryRefreshInterval = DEFAULT_REGISTRY_REFRESH_INTERVAL;

    private Builder() {}

    private Builder(HubConfig c) {
      nodeId = c.nodeId;
      historySize = c.history.size();
      historyTtl = c.history.ttl();
      c.historyOverrides.forEach((p, h) -> rawOverrides.put(p, new RawOverride(h.size(), h.ttl())));
      historyMetaTtl = c.historyMetaTtl;
      maxSubscriptionsPerConnection = c.maxSubscriptionsPerConnection;
      maxGarbageCommands = c.maxGarbageCommands;
      commandRate = c.commandRate;
      commandBurst = c.commandBurst;
      maxRateLimitedCommands = c.maxRateLimitedCommands;
      defaultChannel = c.defaultChannel;
      registryRefreshInterval = c.registryRefreshInterval;
    }

    /** {@code null} (the default) picks a random 8-character id at {@link #build()}. */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    public Builder historySize(int size) {
      this.historySize = size;
      return this;
    }

    public Builder historyTtl(Duration ttl) {
      this.historyTtl = Objects.requireNonNull(ttl, "historyTtl");
      return this;
    }

    /**
     * Channels whose names start with {@code prefix} keep {@code size} publications for {@code
     * ttl}. Setting the same prefix again replaces it.
     */
    public Builder historyOverride(String prefix, int size, Duration ttl) {
      rawOverrides.put(Objects.requireNonNull(prefix, "prefix"), new RawOverride(size, ttl));
      return this;
    }

    /** Removes every history override. */
    public Builder clearHistoryOverrides() {
      rawOverrides.clear();
      return this;
    }

    public Builder historyMetaTtl(Duration ttl) {
      this.historyMetaTtl = Objects.requireNonNull(ttl, "historyMetaTtl");
      return this;
    }

    public Builder maxSubscriptionsPerConnection(int max) {
      this.maxSubscriptionsPerConnection = max;
      return this;
    }

    public Builder maxGarbageCommands(int max) {
      this.maxGarbageCommands = max;
      return this;
    }

    /** 0 turns the command rate limit off. */
    public Builder commandRate(double perSecond) {
      this.commandRate = perSecond;
      return this;
    }

    public Builder commandBurst(int commands) {
      this.commandBurst = commands;
      return this;
    }

    public Builder maxRateLimitedCommands(int max) {
      this.maxRateLimitedCommands = max;
      return this;
    }

    public Builder defaultChannel(String channel) {
      this.defaultChannel = Objects.requireNonNull(channel, "defaultChannel");
      return this;
    }

    public Builder registryRefreshInterval(Duration interval) {
      this.registryRefreshInterval = Objects.requireNonNull(interval, "registryRefreshInterval");
      return this;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one.
     */
    public HubConfig build() {
      String id = nodeId == null ? randomNodeId() : nodeId;
      check(isValidNodeId(id), "nodeId", id, "1-64 characters of A-Z a-z 0-9 _ . -");
      check(
          historySize >= 0 && historySize <= MAX_HISTORY_SIZE,
          "historySize",
          historySize,
          "0-" + MAX_HISTORY_SIZE);
      check(isPositive(historyTtl), "historyTtl", historyTtl, "a positive duration");
      Duration longestTtl = historyTtl;
      Map<String, HistoryPolicy> overrides = new LinkedHashMap<>();
      for (Map.Entry<String, RawOverride> e : rawOverrides.entrySet()) {
        String prefix = e.getKey();
        int size = e.getValue().size();
        Duration ttl = e.getValue().ttl();
        String key = "historyOverrides[" + prefix + "]";
        check(
            !prefix.isEmpty()
                && prefix.length() <= ChannelName.MAX_LENGTH
                && prefix.chars().allMatch(c -> ChannelName.isAllowed((char) c)),
            "historyOverrides",
            prefix,
            "a channel-name prefix: 1-200 characters of A-Z a-z 0-9 _ . : @ / -");
        check(size >= 0 && size <= MAX_HISTORY_SIZE, key + ".size", size, "0-" + MAX_HISTORY_SIZE);
        check(ttl != null && isPositive(ttl), key + ".ttl", ttl, "a positive duration");
        overrides.put(prefix, new HistoryPolicy(size, ttl));
        longestTtl = ttl.compareTo(longestTtl) > 0 ? ttl : longestTtl;
      }
      check(
          historyMetaTtl.compareTo(longestTtl) >= 0,
          "historyMetaTtl",
          historyMetaTtl,
          "at least the longest history ttl (" + longestTtl + ")");
      check(
          maxSubscriptionsPerConnection >= 1,
          "maxSubscriptionsPerConnection",
          maxSubscriptionsPerConnection,
          "1 or more");
      check(maxGarbageCommands >= 1, "maxGarbageCommands", maxGarbageCommands, "1 or more");
      check(
          commandRate >= 0 && Double.isFinite(commandRate),
          "commandRate",
          commandRate,
          "0 (off) or a positive number of commands per second");
      check(commandBurst >= 1, "commandBurst", commandBurst, "1 or more");
      check(
          maxRateLimitedCommands >= 1,
          "maxRateLimitedCommands",
          maxRateLimitedCommands,
          "1 or more");
      check(
          ChannelName.isValid(defaultChannel),
          "defaultChannel",
          defaultChannel,
          "a channel name: 1-200 characters of A-Z a-z 0-9 _ . : @ / -");
      check(
          isPositive(registryRefreshInterval),
          "registryRefreshInterval",
          registryRefreshInterval,
          "a positive duration");
      return new HubConfig(this, id, overrides);
    }

    private record RawOverride(int size, Duration ttl) {}

    private static boolean isPositive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }

    private static String randomNodeId() {
      String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
      StringBuilder sb = new StringBuilder(8);
      for (int i = 0; i < 8; i++) {
        sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
      }
      return sb.toString();
    }

    private static void check(boolean ok, String key, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "%s: bad value '%s' (expected %s)", key, value, expected));
      }
    }
  }
}
