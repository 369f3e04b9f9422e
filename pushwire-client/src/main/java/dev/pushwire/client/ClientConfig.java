package dev.pushwire.client;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ReconnectPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Immutable settings of a {@link PushwireClient}; the node URIs are given to {@link
 * PushwireClient#create} instead, so one config serves many clients. Build with {@link
 * #newBuilder()}; derive with {@link #toBuilder()}.
 *
 * <p>The WebSocket itself is set up by a core {@link ClientSettings} ({@link #transport()}: TLS
 * trust, compression, message size, timeouts, extra headers), composed here rather than copied; the
 * client replaces its subprotocols with {@code pushwire.v1} and its reconnect policy with none,
 * since it reconnects itself, following {@link #reconnect()}, to a URI chosen for each attempt.
 */
public final class ClientConfig {
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);

  /**
   * 16 MiB: a history reply carries up to a whole channel history in one message, far more than
   * core's default of 64 KiB.
   */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** Exponential backoff with full jitter, from 500 ms up to 20 s, never giving up. */
  public static final ReconnectPolicy DEFAULT_RECONNECT =
      ReconnectPolicy.newBuilder()
          .initialDelay(Duration.ofMillis(500))
          .maxDelay(Duration.ofSeconds(20))
          .build();

  /** Core's defaults, with {@link #DEFAULT_MAX_MESSAGE_SIZE}. */
  public static final ClientSettings DEFAULT_TRANSPORT =
      ClientSettings.newBuilder().maxMessageSize(DEFAULT_MAX_MESSAGE_SIZE).build();

  /** The defaults: no token, reconnect on, 10 s command timeout, a ping every 25 s. */
  public static final ClientConfig DEFAULT = newBuilder().build();

  private final TokenSource tokenSource;
  private final TokenDelivery tokenDelivery;
  private final ClientSettings transport;
  private final ReconnectPolicy reconnect;
  private final Duration commandTimeout;
  private final Duration pingInterval;

  private ClientConfig(Builder b) {
    this.tokenSource = b.tokenSource;
    this.tokenDelivery = b.tokenDelivery;
    this.transport = b.transport;
    this.reconnect = b.reconnect;
    this.commandTimeout = b.commandTimeout;
    this.pingInterval = b.pingInterval;
  }

  /** A builder holding the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Where the connection token comes from before each attempt, or {@code null} for none. */
  public TokenSource tokenSource() {
    return tokenSource;
  }

  /** How the token reaches the node. */
  public TokenDelivery tokenDelivery() {
    return tokenDelivery;
  }

  /** The WebSocket settings (subprotocols and reconnect are replaced; see the class comment). */
  public ClientSettings transport() {
    return transport;
  }

  /**
   * When to reconnect after a connection ended or an attempt failed; {@link
   * ReconnectPolicy#DISABLED} makes a lost connection final (state {@link
   * ConnectionState#DISCONNECTED}).
   */
  public ReconnectPolicy reconnect() {
    return reconnect;
  }

  /**
   * How long a command may wait for its reply, including the time it waits for a connection; then
   * it fails with {@link PushwireException#TIMEOUT}.
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * How often to send {@code ping} while open; a ping without a reply within {@link
   * #commandTimeout()} closes the connection (code 4000) and reconnects. {@link Duration#ZERO}
   * turns it off.
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  @Override
  public String toString() {
    return "ClientConfig{token="
        + (tokenSource == null ? "none" : "set")
        + ", tokenDelivery="
        + tokenDelivery
        + ", transport="
        + transport
        + ", reconnect="
        + reconnect
        + ", commandTimeout="
        + commandTimeout
        + ", pingInterval="
        + pingInterval
        + '}';
  }

  /** Builds a {@link ClientConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private TokenSource tokenSource;
    private TokenDelivery tokenDelivery = TokenDelivery.QUERY;
    private ClientSettings transport = DEFAULT_TRANSPORT;
    private ReconnectPolicy reconnect = DEFAULT_RECONNECT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;

    private Builder() {}

    private Builder(ClientConfig c) {
      tokenSource = c.tokenSource;
      tokenDelivery = c.tokenDelivery;
      transport = c.transport;
      reconnect = c.reconnect;
      commandTimeout = c.commandTimeout;
      pingInterval = c.pingInterval;
    }

    /** The same token for every attempt; {@code null} for none. */
    public Builder token(String token) {
      this.tokenSource = token == null ? null : () -> CompletableFuture.completedFuture(token);
      return this;
    }

    /** A token asked for before every attempt; {@code null} for none. */
    public Builder tokenSource(TokenSource source) {
      this.tokenSource = source;
      return this;
    }

    public Builder tokenDelivery(TokenDelivery delivery) {
      this.tokenDelivery = Objects.requireNonNull(delivery, "tokenDelivery");
      return this;
    }

    public Builder transport(ClientSettings settings) {
      this.transport = Objects.requireNonNull(settings, "transport");
      return this;
    }

    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = Objects.requireNonNull(policy, "reconnect");
      return this;
    }

    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Objects.requireNonNull(timeout, "commandTimeout");
      return this;
    }

    /** {@link Duration#ZERO} turns pings off. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "pingInterval");
      return this;
    }

    /**
     * Checks every value and builds; throws {@link IllegalArgumentException} naming the bad one.
     */
    public ClientConfig build() {
      check(
          commandTimeout.compareTo(Duration.ofMillis(1)) >= 0
              && commandTimeout.compareTo(Duration.ofDays(1)) <= 0,
          "commandTimeout",
          commandTimeout,
          "1 ms to 1 day");
      check(
          pingInterval.isZero()
              || (pingInterval.compareTo(Duration.ofMillis(10)) >= 0
                  && pingInterval.compareTo(Duration.ofDays(1)) <= 0),
          "pingInterval",
          pingInterval,
          "0 (off) or 10 ms to 1 day");
      return new ClientConfig(this);
    }

    private static void check(boolean ok, String key, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "%s: bad value '%s' (expected %s)", key, value, expected));
      }
    }
  }
}
